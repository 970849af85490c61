// Behaviour for the portal's pages. Templates carry no inline script (Content-Security-Policy).
document.documentElement.classList.add("scripted");

document.addEventListener("change", (event) => {
  // Selects marked js-autosubmit (the language switcher, list filters) apply at once.
  if (event.target.matches("select.js-autosubmit")) {
    event.target.form.requestSubmit();
  }
});

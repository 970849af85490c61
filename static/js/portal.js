// Behaviour for the portal's pages. Templates carry no inline script (Content-Security-Policy).
document.documentElement.classList.add("scripted");

document.addEventListener("change", (event) => {
  // Selects marked js-autosubmit (the language switcher, list filters) apply at once.
  if (event.target.matches("select.js-autosubmit")) {
    event.target.form.requestSubmit();
  }
});

// Report builder (reports/forms.py PeriodField): the From and To dates only for a custom range.
(() => {
  function showCustomDates(select) {
    const custom = select.value === "custom";
    select.form.querySelectorAll("[data-period-custom]").forEach((input) => {
      const group = input.closest(".mb-3") || input;
      group.hidden = !custom;
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[name=period]").forEach((select) => {
      showCustomDates(select);
      select.addEventListener("change", () => showCustomDates(select));
    });
  });
})();

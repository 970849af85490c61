// The print button of the visitor card's print view (no inline script: see STYLE.md).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-print-card]");
  if (button) button.addEventListener("click", () => window.print());
});

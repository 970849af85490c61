// The one searchable multi-select of the portal (msc_portal/widgets.py SearchableSelectMultiple,
// and every <select multiple> rendered by {% render_widget %}): Tom Select, vendored under
// static/vendor/tom-select. No inline script or style, so it runs under the strict CSP.
(() => {
  function enhance(root) {
    root.querySelectorAll("select[data-searchable]").forEach((select) => {
      if (select.tomselect) return;
      const settings = {
        plugins: select.multiple ? ["remove_button", "checkbox_options"] : [],
        maxOptions: null,
        hidePlaceholder: false,
        placeholder: select.dataset.placeholder || "",
        closeAfterSelect: !select.multiple,
        render: {
          no_results: () => {
            const div = document.createElement("div");
            div.className = "no-results";
            div.textContent = select.dataset.noResults || "—";
            return div;
          },
        },
      };
      const control = new TomSelect(select, settings);
      // The label now names Tom Select's text box; the hidden original is not announced twice.
      select.setAttribute("aria-hidden", "true");
      // Tom Select moves the label to its own text box; keep the field's help and errors tied.
      const described = select.getAttribute("aria-describedby");
      if (described) control.control_input.setAttribute("aria-describedby", described);
    });
  }
  document.addEventListener("DOMContentLoaded", () => enhance(document));
  document.addEventListener("htmx:afterSwap", (event) => enhance(event.target));
})();

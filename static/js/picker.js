// Skill and occupation pickers (skills/widgets.py): an ARIA 1.2 combobox filled by htmx.
(() => {
  const pickerOf = (el) => el.closest("[data-picker]");
  const inputOf = (picker) => picker.querySelector("[data-picker-input]");
  const listOf = (picker) => picker.querySelector("[role=listbox]");
  const optionsOf = (picker) => [...listOf(picker).querySelectorAll("[role=option]:not([aria-disabled])")];

  function close(picker) {
    const input = inputOf(picker);
    listOf(picker).hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function activate(picker, option) {
    optionsOf(picker).forEach((o) => {
      o.classList.toggle("active", o === option);
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    inputOf(picker).setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function choose(picker, option) {
    const input = inputOf(picker);
    const { value, label } = option.dataset;
    if (picker.hasAttribute("data-multiple")) {
      const chosen = picker.querySelector("[data-picker-chosen]");
      if (!chosen.querySelector(`input[value="${CSS.escape(value)}"]`)) {
        const chip = document.createElement("li");
        chip.className = "badge text-bg-secondary picker-chip";
        chip.append(label);
        const hidden = document.createElement("input");
        Object.assign(hidden, { type: "hidden", name: picker.dataset.name, value });
        const remove = document.createElement("button");
        Object.assign(remove, { type: "button", className: "btn-close btn-close-white ms-1" });
        remove.setAttribute("data-picker-remove", "");
        remove.setAttribute("aria-label", `${input.dataset.removeLabel || "Remove"} ${label}`);
        chip.append(hidden, remove);
        chosen.append(chip);
      }
      input.value = "";
    } else {
      picker.querySelector("[data-picker-value]").value = value;
      input.value = label;
    }
    picker.querySelector("[data-picker-status]").textContent = label;
    close(picker);
    input.focus();
  }

  // The text box has no name (it is not submitted): send what is typed as `q`.
  document.addEventListener("htmx:configRequest", (event) => {
    const input = event.detail.elt;
    if (input.matches && input.matches("[data-picker-input]")) {
      event.detail.parameters.q = input.value;
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const list = event.detail.target;
    if (!list.matches || !list.matches("[data-picker] [role=listbox]")) return;
    const picker = pickerOf(list);
    const options = optionsOf(picker);
    [...list.children].forEach((o, i) => { o.id = `${list.id}-${i}`; });
    const open = list.children.length > 0;
    list.hidden = !open;
    inputOf(picker).setAttribute("aria-expanded", open ? "true" : "false");
    const status = picker.querySelector("[data-picker-status]");
    status.textContent = open ? status.dataset.countLabel.replace("__COUNT__", options.length) : "";
  });

  document.addEventListener("keydown", (event) => {
    if (!event.target.matches("[data-picker-input]")) return;
    const picker = pickerOf(event.target);
    const options = optionsOf(picker);
    const list = listOf(picker);
    const current = options.findIndex((o) => o.classList.contains("active"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length || list.hidden) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current < 0
        ? (step > 0 ? 0 : options.length - 1)
        : (current + step + options.length) % options.length;
      activate(picker, options[next]);
    } else if (event.key === "Enter" && !list.hidden && current >= 0) {
      event.preventDefault();
      choose(picker, options[current]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close(picker);
    }
  });

  document.addEventListener("input", (event) => {
    // Typing in a single picker forgets the earlier choice until a new one is made.
    if (!event.target.matches("[data-picker-input]")) return;
    const hidden = pickerOf(event.target).querySelector("[data-picker-value]");
    if (hidden) hidden.value = "";
  });

  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[data-picker] [role=option]:not([aria-disabled])");
    if (option) {
      event.preventDefault();
      choose(pickerOf(option), option);
    }
  });

  document.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-picker-remove]");
    if (remove) {
      const picker = pickerOf(remove);
      remove.closest("li").remove();
      inputOf(picker).focus();
    }
  });

  document.addEventListener("focusout", (event) => {
    if (!event.target.matches("[data-picker-input]")) return;
    const picker = pickerOf(event.target);
    setTimeout(() => { if (!picker.contains(document.activeElement)) close(picker); }, 150);
  });
})();

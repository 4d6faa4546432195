// Django's autocomplete widgets (select2) label their combobox with the chosen value only,
// which is empty before a choice: name each after its field's label instead (WCAG 4.1.2).
// select2 builds them on jQuery's ready, which may come after `load`: watch for them.
function nameAutocompletes() {
  document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    const name = label ? label.textContent.replace(/:\s*$/, "").trim() : select.name;
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return;
    container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach((el) => {
      if (el.getAttribute("aria-label") === name) return;
      el.removeAttribute("aria-labelledby"); // it points at the (empty) chosen value
      el.setAttribute("aria-label", name);
    });
  });
}
window.addEventListener("load", () => {
  nameAutocompletes();
  new MutationObserver(nameAutocompletes).observe(document.body, { childList: true, subtree: true });
});

// A tabular inline's cells have no label of their own, only the column heading: give each
// field the heading's text (WCAG 1.3.1 / 4.1.2), and each row's delete box its name.
window.addEventListener("load", () => {
  document.querySelectorAll(".tabular table").forEach((table) => {
    const headings = {};
    table.querySelectorAll("thead th[class*='column-']").forEach((th) => {
      const column = [...th.classList].find((c) => c.startsWith("column-"));
      headings[column.slice("column-".length)] = th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach((row, index) => {
      row.querySelectorAll("td[class*='field-']").forEach((td) => {
        const field = [...td.classList].find((c) => c.startsWith("field-")).slice("field-".length);
        td.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((input) => {
          if (!input.labels?.length && !input.getAttribute("aria-label")) {
            input.setAttribute("aria-label", `${headings[field] || field}, row ${index + 1}`);
          }
        });
      });
      row.querySelectorAll("td.delete input[type=checkbox]").forEach((box) => {
        if (!box.labels?.length) box.setAttribute("aria-label", `Delete row ${index + 1}`);
      });
    });
  });
});

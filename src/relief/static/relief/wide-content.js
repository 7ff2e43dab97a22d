// Wrap every table of the page in a region that scrolls sideways on its own and can take
// keyboard focus, so a wide table never widens the whole page on a phone.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("main table").forEach((table, index) => {
    if (table.parentElement && table.parentElement.classList.contains("table-scroll")) return;
    const box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    const caption = table.querySelector("caption");
    box.setAttribute("aria-label", caption ? caption.textContent.trim() : `Table ${index + 1}`);
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
});

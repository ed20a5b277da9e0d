// The redaction page (templates/staff/redaction.html): drawing on a page image fills the
// area form's page and coordinates (in PDF points, origin top left), which staff can also type.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("area-form");
  if (!form) return;
  const field = (name) => form.elements.namedItem(name);
  for (const img of document.querySelectorAll(".redaction-page img")) {
    img.draggable = false;
    let start = null;
    let box = null;
    const point = (event) => {
      const r = img.getBoundingClientRect();
      const x = Math.min(Math.max(event.clientX - r.left, 0), r.width);
      const y = Math.min(Math.max(event.clientY - r.top, 0), r.height);
      return { x, y, w: r.width, h: r.height };
    };
    img.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      start = point(event);
      box = document.createElement("div");
      box.className = "drawing";
      img.parentElement.appendChild(box);
      img.setPointerCapture(event.pointerId);
    });
    img.addEventListener("pointermove", (event) => {
      if (!start) return;
      const p = point(event);
      box.style.left = `${Math.min(start.x, p.x)}px`;
      box.style.top = `${Math.min(start.y, p.y)}px`;
      box.style.width = `${Math.abs(p.x - start.x)}px`;
      box.style.height = `${Math.abs(p.y - start.y)}px`;
    });
    img.addEventListener("pointerup", (event) => {
      if (!start) return;
      const p = point(event);
      const sx = Number(img.dataset.width) / p.w;
      const sy = Number(img.dataset.height) / p.h;
      const round = (v) => Math.round(v * 10) / 10;
      field("page").value = img.dataset.page;
      field("x0").value = round(Math.min(start.x, p.x) * sx);
      field("y0").value = round(Math.min(start.y, p.y) * sy);
      field("x1").value = round(Math.max(start.x, p.x) * sx);
      field("y1").value = round(Math.max(start.y, p.y) * sy);
      start = null;
      field("reason").focus();
    });
  }
});

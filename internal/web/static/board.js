// rapport's dashboard: drag a card to another stage. The drop submits the
// same form a person can submit from the contact's page; without this
// script, nothing is lost but the dragging.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var form = document.getElementById("move-form");
  if (!board || !form) { return; }

  var drag = null; // {card, ghost, startX, startY, moved, over}

  function columnAt(x, y) {
    var el = document.elementFromPoint(x, y);
    return el ? el.closest(".column") : null;
  }

  function highlight(col) {
    if (drag.over === col) { return; }
    if (drag.over) { drag.over.classList.remove("drop"); }
    drag.over = col;
    if (col && col !== drag.home) { col.classList.add("drop"); }
  }

  board.addEventListener("pointerdown", function (e) {
    var card = e.target.closest(".card");
    if (!card || e.button !== 0 || e.pointerType === "touch") { return; }
    drag = { card: card, home: card.closest(".column"), startX: e.clientX, startY: e.clientY, moved: false, over: null, ghost: null };
  });

  document.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    if (!drag.moved) {
      if (Math.abs(e.clientX - drag.startX) + Math.abs(e.clientY - drag.startY) < 6) { return; }
      drag.moved = true;
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.classList.add("ghost");
      drag.ghost.setAttribute("aria-hidden", "true");
      document.body.appendChild(drag.ghost);
      drag.card.classList.add("dragging");
    }
    e.preventDefault();
    drag.ghost.style.left = (e.clientX + 8) + "px";
    drag.ghost.style.top = (e.clientY + 8) + "px";
    highlight(columnAt(e.clientX, e.clientY));
  });

  function end(e, cancelled) {
    if (!drag) { return; }
    var d = drag;
    drag = null;
    if (!d.moved) { return; }
    d.card.classList.remove("dragging");
    if (d.ghost) { d.ghost.remove(); }
    if (d.over) { d.over.classList.remove("drop"); }
    // The click that ends a drag must not follow the card's link.
    d.card.addEventListener("click", function (ev) { ev.preventDefault(); }, { once: true, capture: true });
    var col = cancelled ? null : columnAt(e.clientX, e.clientY);
    if (!col || col === d.home) { return; }
    form.action = d.card.getAttribute("data-move");
    form.elements.stage.value = col.getAttribute("data-stage");
    form.submit();
  }

  document.addEventListener("pointerup", function (e) { end(e, false); });
  document.addEventListener("pointercancel", function (e) { end(e, true); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && drag) { end(e, true); }
  });
})();

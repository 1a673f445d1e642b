// Evaluations: the print button on the report (no inline scripts: a CSP is coming).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

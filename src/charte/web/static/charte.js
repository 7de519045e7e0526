// Upload progress for the facts form (htmx fires htmx:xhr:progress while the request body is sent).
document.addEventListener("htmx:xhr:progress", function (event) {
  var bar = document.getElementById("facts-progress");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
  }
});

// "Print" buttons (the scorecard): no inline script on the pages.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("button.print")) {
    window.print();
  }
});

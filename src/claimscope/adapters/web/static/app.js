/* claimscope web app: a job page follows its job without reloading (reloading also works:
   the state lives on the server). Reads only ids and data- attributes of the page and the
   job's JSON from this server's API; writes numbers and fixed words, never markup. */
(function () {
  "use strict";
  var card = document.getElementById("job");
  if (!card) { return; }
  var state = card.getAttribute("data-state");
  if (state !== "queued" && state !== "running") { return; }
  var id = card.getAttribute("data-job");

  function show(name, value) {
    var element = document.getElementById(name);
    if (element) { element.textContent = String(value); }
  }

  function poll() {
    fetch("/api/v1/jobs/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, 3000); return; }
        var bar = document.getElementById("job-progress");
        if (bar) { bar.max = Math.max(job.total, 1); bar.value = job.done; }
        show("job-state", job.state);
        show("job-done", job.done);
        show("job-added", job.added);
        show("job-present", job.already_present);
        show("job-rejected", job.rejected);
        show("job-message", job.message);
        if (job.state === "done" || job.state === "failed") {
          window.location.reload();  /* the finished page lists the documents */
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();

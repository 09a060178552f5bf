// The Jaarrekening page: while the year's build runs, ask every second whether it is
// done, and then load the page again.
export default {
  onExtensionPageLoad() {
    const waiting = document.getElementById("vng-bezig");
    if (!waiting) {
      return;
    }
    const poll = async () => {
      if (!document.body.contains(waiting)) {
        return; // the user went elsewhere
      }
      try {
        const response = await fetch(waiting.dataset.status, { credentials: "same-origin" });
        if (response.ok && (await response.json()).klaar) {
          window.location.reload();
          return;
        }
      } catch {
        // try again
      }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  },
};

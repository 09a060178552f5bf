// The Jaarrekening page: while the year's build runs, ask every second whether it is
// done, and then load the page again.
export default {
  onExtensionPageLoad() {
    // the index of the jaarverslag: each link scrolls to its part on this page
    // (Fava's router would take a bare #anchor for a page of its own)
    for (const link of document.querySelectorAll("#vng-inhoud a, a.vng-naar-inhoud")) {
      link.addEventListener("click", (event) => {
        const target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          event.stopPropagation();
          target.scrollIntoView();
          history.replaceState(history.state, "", link.getAttribute("href"));
        }
      });
    }
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

// The Jaarrekening page: while the year's build runs, ask every second whether it is
// done, and then load the page again; while its downloads are made, ask likewise and
// then put their links in place of the note that they are coming (the page itself, its
// scroll and open lines, stays as it is).
// An address of this page without the user and password a browser may show in it
// (fetch refuses those; the browser sends the login it keeps for the site).
const plain = (address) => {
  const url = new URL(address, window.location.href);
  url.username = "";
  url.password = "";
  return url.href;
};

// Every second, while `element` is on the page, ask its status address whether
// `key` is true; then `done()`, which says whether that was the end (false: ask on).
const whenStatus = (element, key, done) => {
  const poll = async () => {
    if (!document.body.contains(element)) {
      return; // the user went elsewhere
    }
    try {
      const response = await fetch(plain(element.dataset.status), { credentials: "same-origin" });
      if (response.ok && (await response.json())[key] && (await done())) {
        return;
      }
    } catch {
      // try again
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
};

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
    const downloads = document.getElementById("vng-downloads-bezig");
    if (downloads) {
      whenStatus(downloads, "downloads", async () => {
        const page = await fetch(plain(window.location.href), { credentials: "same-origin" });
        const links = new DOMParser()
          .parseFromString(await page.text(), "text/html")
          .getElementById("vng-downloads");
        if (!links) {
          return false;
        }
        downloads.replaceWith(document.importNode(links, true));
        return true;
      });
    }
    const waiting = document.getElementById("vng-bezig");
    if (waiting) {
      whenStatus(waiting, "klaar", async () => {
        window.location.reload();
        return true;
      });
    }
  },
};

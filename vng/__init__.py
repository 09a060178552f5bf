"""The application: the vng command, the build, Fava and its proxy, the books' lock."""

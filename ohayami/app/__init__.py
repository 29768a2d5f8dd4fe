"""The kit served as an app: the workshop registry, the page address, and the Voilà server with
its join, landing and login pages. Nothing here is imported by the models or the views."""

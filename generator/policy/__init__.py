"""The control catalog and the checks dockseal runs on Dockerfiles, compose files and manifests."""

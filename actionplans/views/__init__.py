"""Public plan pages (``public``) and the signed-in plan workspace (``workspace``)."""

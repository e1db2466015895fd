"""Open data: the DCAT-AP-SE catalogue at /datasets/dcat (`catalogue`), which dataportal.se
harvests, and the CSV and JSON files of each dataset (`files`, `views`).

It lives in actionplans, the lowest app that can read both the strategies and the plans.
It is outside the app's layers (not `views` or `api`) because its JSON reuses the API's
serializers, and the API's layer is independent of the views' layer."""

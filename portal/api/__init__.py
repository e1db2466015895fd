"""What every endpoint of the API shares: token authentication, problem details (RFC 9457),
cursor pagination, conditional GET, throttling, CORS on public reads, and the schema's
error responses. Each app's endpoints live with its data (`<app>/api.py`) and read through
that app's selectors and access module, as its pages do."""

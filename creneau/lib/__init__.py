"""Building blocks that know nothing of the apps: one module per outside world (browser,
egress guard, URL safety, browser threads, evidence storage, RFC 3161 client and a local TSA,
OCR) and the write-once model base. Nothing here imports from ``creneau``'s apps."""

"""Why this package exists: a Python caller's way to issueInvoiceWorkflow (client.py, over the
official temporalio SDK), its shapes from schema/*.json (types.py) and the project's payload
encryption format (codec.py). See docs/other-languages.md."""

from .client import InvoiceClient, failure_message, failure_type, reference_code, workflow_id

__all__ = ["InvoiceClient", "failure_message", "failure_type", "reference_code", "workflow_id"]

"""Why this file exists: a command line over sepay_invoice.InvoiceClient, so an operator (or
test/languages/) can drive an invoice from Python and read one JSON document per command on
stdout, with the same commands and exit codes as examples/php/invoice.php.

    python examples/python/invoice.py issue   --key order-1 --file examples/invoice.json [--options '{"approval":"manual"}'] [--plain]
    python examples/python/invoice.py status  --key order-1
    python examples/python/invoice.py approve --key order-1 [--by alice]
    python examples/python/invoice.py cancel  --key order-1 --reason "customer cancelled" [--update]
    python examples/python/invoice.py result  --key order-1 [--run-id RUN]
    python examples/python/invoice.py quota-topped-up --key order-1     (a run waiting for quota checks again now)

Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, SEPAY_TASK_QUEUE, PAYLOAD_ENCRYPTION_KEYS.
Exit codes: 0 success, 3 the run failed (`{"failure": {"type", "message"}}`), 2 usage, 1 anything else.
"""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from temporalio.client import WorkflowFailureError  # noqa: E402

from sepay_invoice.client import InvoiceClient, failure_message, failure_type  # noqa: E402


async def run() -> "tuple[object, int]":
    """The JSON document to print and the exit code."""
    parser = argparse.ArgumentParser(prog="invoice.py")
    parser.add_argument("command", choices=["issue", "status", "approve", "cancel", "result", "quota-topped-up"])
    parser.add_argument("--key", required=True)
    parser.add_argument("--file")
    parser.add_argument("--options")
    parser.add_argument("--plain", action="store_true", help="Temporal's default id policies instead of InvoiceClient's")
    parser.add_argument("--by")
    parser.add_argument("--reason", default="")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--run-id")
    args = parser.parse_args()
    invoices = await InvoiceClient.connect()
    try:
        if args.command == "issue":
            invoice = json.loads(Path(args.file).read_text("utf-8") if args.file else sys.stdin.read())
            options = json.loads(args.options) if args.options else {}
            return await invoices.issue(args.key, invoice, options, "default" if args.plain else "invoice-client"), 0
        if args.command == "status":
            return await invoices.status(args.key), 0
        if args.command == "approve":
            await invoices.approve(args.key, args.by)
            return {"approved": True}, 0
        if args.command == "cancel":
            if args.update:
                return await invoices.request_cancellation(args.key, args.reason), 0
            await invoices.cancel(args.key, args.reason)
            return {"signalled": True}, 0
        if args.command == "quota-topped-up":
            await invoices.quota_topped_up(args.key)
            return {"signalled": True}, 0
        return {"result": await invoices.result(args.key, args.run_id)}, 0
    except WorkflowFailureError as error:
        return {"failure": {"type": failure_type(error), "message": failure_message(error)}}, 3
    except Exception as error:  # noqa: BLE001 - one JSON document, whatever went wrong
        return {"error": {"type": type(error).__name__, "message": str(error)}}, 1


if __name__ == "__main__":
    document, code = asyncio.run(run())
    print(json.dumps(document, ensure_ascii=False), flush=True)
    # os._exit, not sys.exit: the SDK's Rust runtime threads may still call into Python while the
    # interpreter finalizes, which aborts the process now and then (seen with temporalio 1.35 on
    # 3.11). Everything this command had to say is written and flushed by now.
    os._exit(code)

"""Why this file exists: Django and Odoo shops issue SePay invoices through the official temporalio
Python SDK with the same workflow id, messages, id policies and failure `type` names as the
TypeScript InvoiceClient (docs/other-languages.md), typed by types.py, encrypted by codec.py when
PAYLOAD_ENCRYPTION_KEYS is set.
"""

import os
from typing import Any, Dict, Optional, cast

from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.exceptions import ActivityError, ApplicationError, FailureError
from temporalio.service import RPCError, RPCStatusCode

from .codec import AesGcmPayloadCodec
from .types import CancellationAnswer, InvoiceContent, InvoiceStatus, IssueInvoiceOptions, IssueInvoiceResult

WORKFLOW_TYPE = "issueInvoiceWorkflow"
INVOICE_STAGE = SearchAttributeKey.for_keyword("InvoiceStage")
INVOICE_REFERENCE_CODE = SearchAttributeKey.for_keyword("InvoiceReferenceCode")


def workflow_id(invoice_key: str) -> str:
    return f"invoice-{invoice_key}"


def reference_code(invoice_key: str, generation: int = 1) -> str:
    return invoice_key if generation == 1 else f"{invoice_key}~{generation}"


def failure_type(error: BaseException) -> Optional[str]:
    """The stable `ApplicationFailure.type` behind a failed run or update (InvalidInvoiceInput,
    SepayJobFailed...), looking through activity failures as the TypeScript failureType does."""
    cause: Optional[BaseException] = error
    while isinstance(cause, (WorkflowFailureError, WorkflowUpdateFailedError, ActivityError)):
        cause = cause.cause if isinstance(cause, (WorkflowFailureError, ActivityError)) else cause.__cause__
    return cause.type if isinstance(cause, ApplicationError) else None


def failure_message(error: BaseException) -> str:
    cause: Optional[BaseException] = error
    while isinstance(cause, (WorkflowFailureError, WorkflowUpdateFailedError, ActivityError)) and cause.__cause__ is not None:
        cause = cause.__cause__
    return cause.message if isinstance(cause, FailureError) else str(cause)


class InvoiceClient:
    """Issues, follows, approves and cancels invoices; every method takes the business key."""

    def __init__(self, client: Client, task_queue: str = "sepay-einvoice"):
        self.client = client
        self.task_queue = task_queue

    @classmethod
    async def connect(cls, address: Optional[str] = None, namespace: Optional[str] = None, task_queue: Optional[str] = None) -> "InvoiceClient":
        """TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, SEPAY_TASK_QUEUE; PAYLOAD_ENCRYPTION_KEYS turns on encryption."""
        codec = AesGcmPayloadCodec.from_env()
        converter = DataConverter.default
        if codec is not None:
            # As the TypeScript client: failure messages and stacks travel encoded too.
            converter = DataConverter(payload_codec=codec, failure_converter_class=DefaultFailureConverterWithEncodedAttributes)
        client = await Client.connect(
            address or os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
            namespace=namespace or os.environ.get("TEMPORAL_NAMESPACE", "default"),
            data_converter=converter,
        )
        return cls(client, task_queue or os.environ.get("SEPAY_TASK_QUEUE", "sepay-einvoice"))

    def handle(self, invoice_key: str, run_id: Optional[str] = None) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(workflow_id(invoice_key), run_id=run_id)

    async def issue(self, invoice_key: str, invoice: InvoiceContent, options: Optional[IssueInvoiceOptions] = None, policies: str = "invoice-client") -> Dict[str, Any]:
        """Starts the key's invoice. `policies="invoice-client"`: what InvoiceClient.issue does
        (attach to an open run, return a completed one); `"default"`: Temporal's defaults (a second
        start while a run is open fails WorkflowAlreadyStartedError; after a run ended a new run
        starts and reads what the earlier runs sent from Temporal itself)."""
        options = options or {}
        mode = options.get("mode", "draft-then-issue")
        approval = "manual approval" if options.get("approval") == "manual" else "auto approval"
        extra: Dict[str, Any] = {}
        if policies == "invoice-client":
            extra = {"id_conflict_policy": WorkflowIDConflictPolicy.USE_EXISTING, "id_reuse_policy": WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY}
        elif policies != "default":
            raise ValueError("policies must be 'invoice-client' or 'default'")
        try:
            handle = await self.client.start_workflow(
                WORKFLOW_TYPE,
                {"invoiceKey": invoice_key, "invoice": invoice, "options": options},
                id=workflow_id(invoice_key),
                task_queue=self.task_queue,
                static_summary=f"Invoice {invoice_key} · {mode} · {approval}",
                search_attributes=TypedSearchAttributes([
                    SearchAttributePair(INVOICE_STAGE, "creating"),
                    SearchAttributePair(INVOICE_REFERENCE_CODE, reference_code(invoice_key, int(options.get("referenceGeneration", 1)))),
                ]),
                **extra,
            )
            return {"workflowId": handle.id, "runId": handle.first_execution_run_id or handle.result_run_id, "started": True}
        except Exception as error:
            # ALLOW_DUPLICATE_FAILED_ONLY refused: the key's invoice has completed, that run is the answer.
            if policies != "invoice-client" or type(error).__name__ != "WorkflowAlreadyStartedError":
                raise
            described = await self.handle(invoice_key).describe()
            return {"workflowId": described.id, "runId": described.run_id, "started": False}

    async def status(self, invoice_key: str) -> InvoiceStatus:
        return cast(InvoiceStatus, await self.handle(invoice_key).query("getInvoiceStatus"))

    async def approve(self, invoice_key: str, approved_by: Optional[str] = None) -> None:
        await self.handle(invoice_key).signal("approveIssuance", {} if approved_by is None else {"approvedBy": approved_by})

    async def cancel(self, invoice_key: str, reason: str) -> None:
        await self.handle(invoice_key).signal("cancelInvoice", {"reason": reason})

    async def quota_topped_up(self, invoice_key: str) -> None:
        await self.handle(invoice_key).signal("quotaToppedUp")

    async def request_cancellation(self, invoice_key: str, reason: str) -> CancellationAnswer:
        """`{accepted: True, stage}`, or `{accepted: False, reason}` when the validator refuses
        (past the point of no return, a malformed argument) or the run has ended."""
        try:
            answer = await self.handle(invoice_key).execute_update("requestCancellation", {"reason": reason})
            return {"accepted": bool(answer["accepted"]), "stage": answer["stage"]}
        except WorkflowUpdateFailedError as error:
            return {"accepted": False, "reason": failure_message(error)}
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            return {"accepted": False, "reason": "too late to cancel: the invoice run has already ended"}

    async def result(self, invoice_key: str, run_id: Optional[str] = None) -> IssueInvoiceResult:
        """Waits for the outcome; a failed run raises WorkflowFailureError (see failure_type)."""
        return cast(IssueInvoiceResult, await self.handle(invoice_key, run_id).result())

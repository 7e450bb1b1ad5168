"""Why this file exists: the shapes of issueInvoiceWorkflow's input, status and result for Python
callers, written from schema/*.json as TypedDicts (plain dicts at run time, so the SDK's JSON
converter sends exactly what the TypeScript client sends). check_types.py compares every TypedDict
here with its schema, key by key, and test/languages/ runs it: a schema change that this module
does not follow fails the test.
"""

from typing import List, Literal, Optional, Union

from typing_extensions import NotRequired, TypedDict

InvoiceStage = Literal[
    "authenticating", "inspecting", "replacing-draft", "awaiting-quota", "awaiting-approval", "creating",
    "awaiting-creation", "issuing", "awaiting-issuance", "fetching-detail", "compensating", "issued",
    "cancelled", "failed",
]
IssueMode = Literal["draft-then-issue", "direct"]


class Buyer(TypedDict, total=False):
    type: Literal["personal", "company"]
    name: str
    legal_name: str
    tax_code: str
    address: str
    email: str
    phone: str
    buyer_code: str
    national_id: str


class InvoiceLine(TypedDict):
    line_number: int
    line_type: int
    item_name: str
    item_code: NotRequired[str]
    unit: NotRequired[str]
    quantity: NotRequired[float]
    unit_price: NotRequired[float]
    tax_rate: NotRequired[float]
    discount_tax: NotRequired[float]
    discount_amount: NotRequired[float]
    before_discount_and_tax_amount: NotRequired[float]


class InvoiceContent(TypedDict):
    currency: str
    buyer: Buyer
    items: List[InvoiceLine]
    template_code: NotRequired[str]
    invoice_series: NotRequired[str]
    issued_date: NotRequired[str]
    provider_account_id: NotRequired[str]
    payment_method: NotRequired[str]
    notes: NotRequired[str]
    total_amount: NotRequired[float]


class IssueInvoiceOptions(TypedDict, total=False):
    mode: IssueMode
    approval: Literal["auto", "manual"]
    approvalTimeout: str
    creationTimeout: str
    issuanceTimeout: str
    quotaTimeout: str
    pollInitialInterval: str
    pollMaximumInterval: str
    pollFastPhase: str
    referenceGeneration: int
    # Accepted so that earlier starts parse; a run ignores them (it reads its key's earlier runs itself).
    earlierRunRequestedIssue: bool
    earlierCreateTrackingCode: str


class IssueInvoiceInput(TypedDict):
    invoiceKey: str
    invoice: InvoiceContent
    options: NotRequired[IssueInvoiceOptions]


class IssuedInvoice(TypedDict):
    referenceCode: str
    invoiceNumber: str
    issuedDate: str
    status: str
    totalBeforeTax: float
    taxAmount: float
    totalAmount: float
    pdfUrl: Optional[str]
    xmlUrl: Optional[str]
    taxAuthorityCode: Optional[str]
    providerAccountId: str
    invoiceSeries: NotRequired[str]


class CancellationView(TypedDict):
    reason: str
    via: Literal["signal", "update", "workflow-cancel"]
    outcome: Literal["accepted", "too-late"]


class IssuedResult(TypedDict):
    outcome: Literal["issued"]
    invoice: IssuedInvoice
    lateCancellation: NotRequired[CancellationView]


class CancelledResult(TypedDict):
    outcome: Literal["cancelled"]
    referenceCode: str
    reason: str
    draftDeleted: bool


IssueInvoiceResult = Union[IssuedResult, CancelledResult]


class ReferenceCodeRecord(TypedDict):
    referenceCode: str
    createSent: bool
    issueRequested: bool
    spent: bool
    createTrackingCode: NotRequired[str]
    draftSeen: NotRequired[bool]


class LastError(TypedDict):
    type: str
    message: str


class RefusedMessage(TypedDict):
    name: str
    problem: str


class InvoiceStatus(TypedDict):
    invoiceKey: str
    stage: InvoiceStage
    mode: IssueMode
    referenceCode: str
    pointOfNoReturn: bool
    approval: Literal["not-required", "waiting", "approved"]
    sent: List[ReferenceCodeRecord]
    earlierRunsRecalled: bool
    providerAccountId: NotRequired[str]
    createTrackingCode: NotRequired[str]
    issueTrackingCode: NotRequired[str]
    approvedBy: NotRequired[str]
    cancellation: NotRequired[CancellationView]
    lastError: NotRequired[LastError]
    draft: NotRequired[str]
    refusedMessage: NotRequired[RefusedMessage]
    result: NotRequired[IssueInvoiceResult]


class CancellationAnswer(TypedDict):
    """What `request_cancellation` returns: `stage` when accepted, `reason` when refused."""

    accepted: bool
    stage: NotRequired[InvoiceStage]
    reason: NotRequired[str]

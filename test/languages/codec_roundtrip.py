"""Why this file exists: the Python half of test/languages/codec-roundtrip.test.ts. Reads one JSON
request on stdin ({"keys", "op": "encode" | "decode", "namespace", "workflowId", "payloads"},
payloads in the codec server's protobuf JSON) and answers on stdout with the payloads that
examples/python/sepay_invoice/codec.py made, or {"error": {"type", "message"}}.
"""

import asyncio
import base64
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "python"))
from temporalio.api.common.v1 import Payload  # noqa: E402
from temporalio.converter import WorkflowSerializationContext  # noqa: E402

from sepay_invoice.codec import AesGcmPayloadCodec  # noqa: E402


def from_json(value: dict) -> Payload:
    metadata = {key: base64.b64decode(item) for key, item in value.get("metadata", {}).items()}
    return Payload(metadata=metadata, data=base64.b64decode(value.get("data", "")))


def to_json(payload: Payload) -> dict:
    return {
        "metadata": {key: base64.b64encode(item).decode() for key, item in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


async def main() -> dict:
    request = json.load(sys.stdin)
    codec = AesGcmPayloadCodec.from_env({"PAYLOAD_ENCRYPTION_KEYS": request["keys"]})
    assert codec is not None
    if request.get("workflowId") is not None:
        codec = codec.with_context(WorkflowSerializationContext(namespace=request["namespace"], workflow_id=request["workflowId"]))
    payloads = [from_json(item) for item in request["payloads"]]
    try:
        done = await (codec.encode(payloads) if request["op"] == "encode" else codec.decode(payloads))
    except Exception as error:  # noqa: BLE001 - reported to the test by type
        return {"error": {"type": type(error).__name__, "message": str(error)}}
    return {"payloads": [to_json(payload) for payload in done]}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))

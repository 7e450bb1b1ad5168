"""Why this file exists: Python callers of a worker with PAYLOAD_ENCRYPTION_KEYS must write and
read payloads in exactly the format of codec/aes-gcm-codec.ts (docs/encryption.md): AES-256-GCM,
the whole original Payload (protobuf) as plaintext, `iv ‖ ciphertext ‖ tag` as data, the key id,
format, namespace and workflow id in metadata and in GCM's additional data, rotation by key list.
It writes format 2 and reads formats 1, 2 and 3 (a schedule's scoped payloads).
test/languages/ checks round trips both ways against the TypeScript codec.
"""

import base64
import json
import os
import re
from typing import Dict, List, Mapping, Optional, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    ActivitySerializationContext,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

ENCRYPTED_ENCODING = "binary/encrypted"
METADATA_KEY_ID = "encryption-key-id"
METADATA_FORMAT = "encryption-format"
METADATA_NAMESPACE = "encryption-namespace"
METADATA_WORKFLOW_ID = "encryption-workflow-id"
METADATA_SCOPE = "encryption-scope"
CURRENT_FORMAT = "2"
# Written by the project's schedule client only (codec/payload-binding.ts): read here, never written.
SCOPED_FORMAT = "3"
FORMAT_LABEL = "sepay-einvoice-temporal/aes-256-gcm/v2"
SCOPED_FORMAT_LABEL = "sepay-einvoice-temporal/aes-256-gcm/v3"
# A run a Schedule starts is named `<the action's workflow id>-<start time, RFC 3339 UTC>`.
SCHEDULED_RUN_SUFFIX = re.compile(r"^-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
IV_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class PayloadEncryptionConfigError(ValueError):
    """PAYLOAD_ENCRYPTION_KEYS is malformed; the message names entries and key ids, never keys."""


class PayloadDecryptionError(ValueError):
    pass


class UnknownEncryptionKeyError(ValueError):
    pass


class PayloadBindingError(ValueError):
    pass


def parse_keys(value: str) -> "tuple[str, Dict[str, bytes]]":
    """`<keyId>:<base64 32 bytes>,…` as PAYLOAD_ENCRYPTION_KEYS: the first key encrypts, all decrypt."""
    if value.strip() == "":
        raise PayloadEncryptionConfigError("PAYLOAD_ENCRYPTION_KEYS is empty (leave it unset to turn payload encryption off)")
    keys: Dict[str, bytes] = {}
    problems: List[str] = []
    entries = [entry.strip() for entry in value.split(",")]
    for index, entry in enumerate(entries):
        where = f"entry {index + 1} of {len(entries)}"
        key_id, _, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not KEY_ID.match(key_id):
            problems.append(f"{where}: expected <keyId>:<base64 key> with a key id of letters, digits, '.', '_' or '-' (at most 64)")
            continue
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            problems.append(f'{where} (key id "{key_id}"): the key must be 32 bytes, base64-encoded')
        elif key_id in keys:
            problems.append(f'{where}: key id "{key_id}" appears twice')
        else:
            keys[key_id] = key
    if problems:
        raise PayloadEncryptionConfigError("Invalid PAYLOAD_ENCRYPTION_KEYS:\n" + "\n".join(f"  - {p}" for p in problems))
    return next(iter(keys)), keys


def additional_data(key_id: str, namespace: Optional[str], workflow_id: Optional[str], scope: Optional[str] = None) -> bytes:
    """The same bytes as payload-binding.ts's JSON.stringify([label, encoding, keyId, ns ?? null, wf ?? null(, scope)])."""
    fields = [ENCRYPTED_ENCODING, key_id, namespace, workflow_id]
    listed = [FORMAT_LABEL, *fields] if scope is None else [SCOPED_FORMAT_LABEL, *fields, scope]
    return json.dumps(listed, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class AesGcmPayloadCodec(PayloadCodec, WithSerializationContext):
    """Encrypts under the current key with the binding the SDK's context names; decrypts with the key a payload names."""

    def __init__(self, current_key_id: str, keys: Mapping[str, bytes], namespace: Optional[str] = None, workflow_id: Optional[str] = None):
        self._current = current_key_id
        self._keys = dict(keys)
        self._namespace = namespace
        self._workflow_id = workflow_id

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Optional["AesGcmPayloadCodec"]:
        value = environ.get("PAYLOAD_ENCRYPTION_KEYS")
        if value is None:
            return None
        current, keys = parse_keys(value)
        return cls(current, keys)

    def with_context(self, context: SerializationContext) -> "AesGcmPayloadCodec":
        if isinstance(context, (WorkflowSerializationContext, ActivitySerializationContext)):
            return AesGcmPayloadCodec(self._current, self._keys, context.namespace, context.workflow_id)
        return self

    async def encode(self, payloads: Sequence[Payload]) -> List[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> List[Payload]:
        # Payloads in clear (written before encryption was switched on) pass through, as for TypeScript clients.
        return [self.decrypt(p) if p.metadata.get("encoding") == ENCRYPTED_ENCODING.encode() else p for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        iv = os.urandom(IV_BYTES)
        aad = additional_data(self._current, self._namespace, self._workflow_id)
        sealed = AESGCM(self._keys[self._current]).encrypt(iv, payload.SerializeToString(), aad)
        metadata = {
            "encoding": ENCRYPTED_ENCODING.encode(),
            METADATA_KEY_ID: self._current.encode(),
            METADATA_FORMAT: CURRENT_FORMAT.encode(),
        }
        if self._namespace is not None:
            metadata[METADATA_NAMESPACE] = self._namespace.encode()
        if self._workflow_id is not None:
            metadata[METADATA_WORKFLOW_ID] = self._workflow_id.encode()
        return Payload(metadata=metadata, data=iv + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        meta = {key: value.decode("utf-8") for key, value in payload.metadata.items()}
        key_id = meta.get(METADATA_KEY_ID)
        if not key_id:
            raise PayloadDecryptionError(f"Cannot decrypt a payload: its metadata has no {METADATA_KEY_ID}")
        key = self._keys.get(key_id)
        if key is None:
            raise UnknownEncryptionKeyError(f'A payload is encrypted with key id "{key_id}", which is not in PAYLOAD_ENCRYPTION_KEYS (known: {", ".join(self._keys)})')
        fmt = meta.get(METADATA_FORMAT)
        if fmt is None:
            aad = key_id.encode("utf-8")  # format 1: the key id was the only additional data
        elif fmt in (CURRENT_FORMAT, SCOPED_FORMAT):
            namespace, workflow_id = meta.get(METADATA_NAMESPACE), meta.get(METADATA_WORKFLOW_ID)
            scope = None
            if fmt == SCOPED_FORMAT:
                scope = meta.get(METADATA_SCOPE)
                # The only scope there is; any other value (or none) is a relabelled payload.
                if scope != "schedule" or workflow_id is None:
                    raise PayloadDecryptionError(f'Cannot decrypt a payload with key id "{key_id}": format 3 needs {METADATA_SCOPE} "schedule" and a workflow id')
            self._check_binding("namespace", namespace, self._namespace)
            self._check_binding("workflow id", workflow_id, self._workflow_id, scope)
            aad = additional_data(key_id, namespace, workflow_id, scope)
        else:
            raise PayloadDecryptionError(f'Cannot decrypt a payload with key id "{key_id}": unknown {METADATA_FORMAT} "{fmt}"')
        data = payload.data
        if len(data) < IV_BYTES + TAG_BYTES:
            raise PayloadDecryptionError(f'Cannot decrypt a payload with key id "{key_id}": its data is too short to hold an IV and a tag')
        try:
            plaintext = AESGCM(key).decrypt(data[:IV_BYTES], data[IV_BYTES:], aad)
        except Exception:
            raise PayloadDecryptionError(f'Cannot decrypt a payload with key id "{key_id}": authentication failed') from None
        return Payload.FromString(plaintext)

    @staticmethod
    def _check_binding(what: str, bound: Optional[str], here: Optional[str], scope: Optional[str] = None) -> None:
        # Unbound payloads (the codec server's /encode) are accepted anywhere; bound ones only where
        # they belong: a schedule-scoped one also in the runs its schedule starts.
        if bound is None or here is None or bound == here:
            return
        if scope == "schedule" and here.startswith(bound) and SCHEDULED_RUN_SUFFIX.match(here[len(bound):]):
            return
        raise PayloadBindingError(f'An encrypted payload written for {what} "{bound}" was delivered to {what} "{here}": refused (a ciphertext was moved)')

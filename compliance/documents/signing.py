"""PAdES signatures on release PDFs, with pyHanko.

:func:`load_signer` opens a PKCS#12 key store (``.p12``/``.pfx``); :func:`sign_pdf` adds one
PAdES B-B signature (``ETSI.CAdES.detached``, SHA-256) to a PDF as an incremental update: the
signed bytes are the original file, unchanged, followed by the signature's revision.

**Reproducible.** The same PDF, key and ``signing_time`` give byte-identical output (in any
process: tests/test_signing.py signs under other hash seeds and time zones). pyHanko would
otherwise read the clock and draw random bytes; each place is pinned here:

* the signing time of the CMS signed attributes and the signature dictionary's ``/M`` (the
  signing session's ``system_time``, set by :class:`_PinnedPdfSigner`);
* the document's modification date in the ``/Info`` dictionary and the XMP metadata (written
  by :meth:`_PinnedWriter._update_meta`, which replaces pyHanko's "now");
* the file identifier ``/ID``, whose second part (and first part, when the input has no
  identifier) pyHanko draws from ``os.urandom``: it is derived from the input, the signer's
  certificate, the field name and the signing time.

The signature value itself is deterministic for RSA keys (PKCS#1 v1.5, pyHanko's default for
RSA) and Ed25519/Ed448 keys; an ECDSA or DSA signature contains a random nonce, so its bytes
differ from run to run (it still verifies): :func:`is_deterministic` says which.

**PDF/A.** The input's PDF/A-3 conformance is kept as far as the signature touches it: the
widget has the Print flag and no Hidden flag (6.3.2), an invisible one has a zero-size
rectangle and needs no appearance (6.3.3), a visible one has a normal appearance stream only and
draws a frame without text, so it uses no font that would have to be embedded (6.2.11.4); the
byte range covers the whole file and the CMS carries one SignerInfo and the signer's certificate
(6.4.3); the document metadata keeps its PDF/A identification, and the ``/Info`` entries pyHanko
changes (``/Producer``, ``/ModDate``) are written with equal values into the XMP packet
(pyHanko alone would write only its own name as the XMP producer).

**Tagged PDF.** A tagged input (PDF/A-3a with PDF/UA-1, as compliance renders it) stays tagged:
the signature widget, visible or not, is put into the structure tree as a ``Form`` element
(linked from the parent tree through its ``/StructParent``) at the end of the document's reading
order, and the field gets a description (``/TU``) for assistive technology (PDF/UA-1 7.18).

pyHanko imports cryptography's DSA module, which warns that DSA is deprecated; that warning is
silenced for the import only (it would reach the user's terminal and fails the test suite).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from typing import Any

from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    pkcs12,
)

from compliance.errors import InputError, UsageError

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata import model, xmp_xml
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = ["Signer", "is_deterministic", "load_signer", "sign_pdf"]

Signer = signers.Signer
#: A visible signature is a frame: text would need a font embedded for PDF/A.
_STAMP = StaticStampStyle(border_width=1)
#: Default box of a visible signature (points): right-aligned at the bottom of the text area of
#: the bundled A4 layout (margins 18 mm at the sides, 20 mm at the bottom), 200 x 56 pt.
_MARGIN_RIGHT, _MARGIN_BOTTOM, _WIDTH, _HEIGHT = 51, 57, 200, 56


# --------------------------------------------------------------------------- key store


def load_signer(p12_bytes: bytes, password: bytes | None) -> signers.Signer:
    """A signer for the private key and certificate (and any chain certificates) in a PKCS#12
    key store. The certificates are embedded in every signature it makes.

    Raises :class:`~compliance.errors.UsageError` (exit 2) when the store cannot be opened (a
    wrong password or not a PKCS#12 file: the two look alike), holds no key or no certificate,
    or its certificate does not belong to its key. Messages never quote the password, the key
    or the file's bytes."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12_bytes, password)
    except (ValueError, TypeError):
        # cryptography says "Invalid password or PKCS12 data" for both, and nothing more
        raise UsageError(
            "the signing key store cannot be opened: the password is wrong, or the file is not "
            "a PKCS#12 key store (.p12 / .pfx)",
            "check the password (an unencrypted store takes no password) and that the file is "
            "the PKCS#12 export of the signing key with its certificate") from None
    if key is None:
        raise UsageError("the signing key store holds no private key",
                         "export the key store again with its private key included")
    if cert is None:
        raise UsageError("the signing key store holds no certificate for its private key",
                         "export the key store again with the signer's certificate included")
    if _public_bytes(cert.public_key()) != _public_bytes(key.public_key()):
        raise UsageError("the certificate in the signing key store does not belong to its "
                         "private key", "export the key store again from the signing key and "
                         "its own certificate")
    try:  # pyHanko takes asn1crypto objects: through DER, in memory only
        signing_key = load_private_key_from_pemder_data(
            key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()), None)
    except (ValueError, TypeError):
        raise UsageError("the signing key store holds a kind of key that cannot sign",
                         "use an RSA, ECDSA or EdDSA key") from None
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    registry.register_multiple([_asn1_cert(c) for c in extra])
    return signers.SimpleSigner(signing_key=signing_key, signing_cert=_asn1_cert(cert),
                                cert_registry=registry)


def _asn1_cert(cert: Any) -> Any:
    (converted,) = load_certs_from_pemder_data(cert.public_bytes(Encoding.DER))
    return converted


def _public_bytes(key: Any) -> bytes:
    data: bytes = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return data


def is_deterministic(signer: signers.Signer) -> bool:
    """Whether the signer's signatures are a function of their input (RSA PKCS#1 v1.5, EdDSA),
    so that :func:`sign_pdf` gives byte-identical output for the same input; ECDSA and DSA
    signatures contain a random nonce."""
    cert = signer.signing_cert
    if cert is None or (isinstance(signer, signers.SimpleSigner) and signer.prefer_pss):
        return False
    mechanism = signer.get_signature_mechanism_for_digest("sha256")["algorithm"].native
    return mechanism in {"sha256_rsa", "ed25519", "ed448"}


# --------------------------------------------------------------------------- signing


def sign_pdf(pdf: bytes, signer: signers.Signer, *, signing_time: dt.datetime,
             field_name: str = "Signature1", visible: bool = False, reason: str | None = None,
             location: str | None = None,
             box: tuple[int, int, int, int] | None = None) -> bytes:
    """``pdf`` with a PAdES B-B signature (SHA-256) in the signature field ``field_name``,
    added as an incremental update.

    ``signing_time`` (timezone-aware; kept to the second, in UTC) is the time the signature and
    the document's modification date state: the caller decides it (a release date, not the
    clock), and the same PDF, signer and time give the same bytes (see the module docstring).
    ``visible`` puts the field on the last page as a framed box, ``box`` = ``(x1, y1, x2, y2)``
    in points from the page's lower left corner (default: bottom right of the text area of an
    A4 page); otherwise the field is invisible. ``reason`` and ``location`` go into the
    signature dictionary.

    Raises :class:`~compliance.errors.InputError` when ``pdf`` cannot be read as a PDF or cannot
    be signed (for instance, ``field_name`` is already signed), and :class:`ValueError` for a
    naive ``signing_time``."""
    if signing_time.tzinfo is None or signing_time.utcoffset() is None:
        raise ValueError("signing_time must be timezone-aware")
    when = signing_time.astimezone(dt.UTC).replace(microsecond=0)
    cert = signer.signing_cert
    seed = b"\0".join([b"compliance-signature-1", hashlib.sha256(pdf).digest(),
                       cert.dump() if cert is not None else b"", field_name.encode("utf-8"),
                       when.isoformat().encode("ascii")])
    try:
        writer = _PinnedWriter(io.BytesIO(pdf), when=when, id_seed=seed)
        spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=-1,
                                   box=box or _default_box(writer)) if visible else None
        meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES,
                                            reason=reason, location=location)
        pdf_signer = _PinnedPdfSigner(meta, signer, signing_time=when, new_field_spec=spec,
                                      stamp_style=_STAMP)
        output = pdf_signer.sign_pdf(writer)
    except (PdfError, SigningError) as exc:
        raise InputError(f"the PDF cannot be signed: {exc}",
                         "sign the PDF compliance rendered, in a field not signed yet") from None
    data: bytes = output.getvalue()
    return data


def _default_box(writer: IncrementalPdfFileWriter) -> tuple[int, int, int, int]:
    page = writer.root["/Pages"]
    while "/Kids" in page:  # the last leaf of the page tree
        page = page["/Kids"][-1].get_object()
    x1, _y1, x2, _y2 = (float(v) for v in page["/MediaBox"])
    right = x2 - _MARGIN_RIGHT
    return (round(max(x1, right - _WIDTH)), _MARGIN_BOTTOM, round(right), _MARGIN_BOTTOM + _HEIGHT)


class _PinnedPdfSigner(signers.PdfSigner):
    """A :class:`PdfSigner` whose signing sessions use ``signing_time``, not the clock."""

    def __init__(self, meta: signers.PdfSignatureMetadata, signer: signers.Signer, *,
                 signing_time: dt.datetime, new_field_spec: fields.SigFieldSpec | None,
                 stamp_style: StaticStampStyle) -> None:
        super().__init__(meta, signer, new_field_spec=new_field_spec, stamp_style=stamp_style)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        _tag_signature_widget(pdf_out, session.sig_field)
        return session


#: The description of the signature field that assistive technology reads (``/TU``).
_FIELD_DESCRIPTION = "Digital signature"


def _tag_signature_widget(writer: IncrementalPdfFileWriter, field: Any) -> None:
    """Put the signature widget into the structure tree of a tagged PDF (no-op otherwise): a
    ``/Form`` element holding an object reference to the widget, appended to the document
    element, and a parent-tree entry under a new ``/StructParent`` key."""
    tree_ref = writer.root.raw_get("/StructTreeRoot") if "/StructTreeRoot" in writer.root else None
    widget = fields.get_sig_field_annot(field)
    if tree_ref is None or "/StructParent" in widget:
        return
    page_ref = widget.raw_get("/P")
    widget_ref = next(ref for ref in page_ref.get_object()["/Annots"]
                      if ref.get_object() is widget)
    if "/TU" not in field:
        field["/TU"] = generic.TextStringObject(_FIELD_DESCRIPTION)
    tree = tree_ref.get_object()
    kids = tree["/K"]
    document_ref = kids[0] if isinstance(kids, generic.ArrayObject) else kids
    document = document_ref.get_object()
    if document.get("/S") != "/Document":  # no single document element: hang it on the root
        document_ref, document = tree_ref, tree
    parent_tree = tree["/ParentTree"]
    nums = parent_tree["/Nums"]
    key = max([int(tree.get("/ParentTreeNextKey", 0)),
               *(int(nums[i]) + 1 for i in range(0, len(nums), 2))])
    element_ref = writer.add_object(_pdf_dict(
        Type=generic.pdf_name("/StructElem"), S=generic.pdf_name("/Form"), P=document_ref,
        Pg=page_ref, Alt=generic.TextStringObject(_FIELD_DESCRIPTION),
        K=_pdf_dict(Type=generic.pdf_name("/OBJR"), Obj=widget_ref, Pg=page_ref)))
    widget["/StructParent"] = _pdf_int(key)
    nums.extend([_pdf_int(key), element_ref])
    tree["/ParentTreeNextKey"] = _pdf_int(key + 1)
    document_kids = document.get("/K")
    if isinstance(document_kids, generic.ArrayObject):
        document_kids.append(element_ref)
    else:
        document["/K"] = generic.ArrayObject([*([document_kids] if document_kids else []),
                                              element_ref])
    for changed in (widget, field, tree, parent_tree, document):
        writer.update_container(changed)  # objects this revision adds are written anyway


def _pdf_dict(**entries: Any) -> Any:
    return generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {generic.pdf_name(f"/{k}"): v for k, v in entries.items()})


def _pdf_int(value: int) -> Any:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


class _PinnedWriter(IncrementalPdfFileWriter):
    """An incremental writer with a derived file identifier and a fixed modification date.

    ``_update_meta`` is pyHanko's hook for the metadata update of an incremental save (its
    maintainer points to overriding it to change that update); this one writes the same
    ``/Producer`` and modification date into ``/Info`` and the XMP packet."""

    def __init__(self, stream: io.BytesIO, *, when: dt.datetime, id_seed: bytes) -> None:
        super().__init__(stream)
        self._when = when
        self._meta_written = False
        derived = hashlib.sha256(id_seed).digest()
        # pyHanko draws the second part (and the first, if the input has none) from os.urandom
        first = (self._document_id[0] if "/ID" in self.prev.trailer
                 else generic.ByteStringObject(derived[16:]))
        self._document_id = generic.ArrayObject([first, generic.ByteStringObject(derived[:16])])

    def _update_meta(self) -> None:
        if self._meta_written:
            return
        self._meta_written = True
        producer = model.VENDOR
        info_ref = self._info
        info = info_ref.get_object() if info_ref is not None else None  # type: ignore[no-untyped-call]
        if info is not None:
            previous = str(info.get("/Producer", "") or "")
            if previous and model.VENDOR not in previous:
                producer = f"{previous}; {model.VENDOR}"
            elif previous:
                producer = previous
        metadata = self.root.get("/Metadata")
        if info is None and metadata is None:
            info_ref = self.set_info(generic.DictionaryObject())  # type: ignore[no-untyped-call]
            assert info_ref is not None
            info = info_ref.get_object()
        if info is not None and info_ref is not None:
            info["/Producer"] = generic.TextStringObject(producer)
            info["/ModDate"] = generic.pdf_date(self._when)
            self.mark_update(info_ref)
        if metadata is not None:
            stream = metadata.get_object()
            entries = {k: v for root in xmp_xml.parse_xmp(io.BytesIO(stream.data)) for k, v in root}
            entries[model.PDF_PRODUCER] = model.XmpValue(producer)
            entries[model.XMP_MODDATE] = model.XmpValue(self._when.strftime("%Y-%m-%dT%H:%M:%SZ"))
            self.root["/Metadata"] = self.add_object(
                xmp_xml.MetadataStream.from_xmp([model.XmpStructure(entries)]))
            self.update_root()  # type: ignore[no-untyped-call]

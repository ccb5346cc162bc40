"""The PDFs of documents to sign: plain bytes and dataclasses in, bytes out; no models.

checks     what may be signed (a PDF, a drawn signature), decided by the bytes
render     a staff-written template to HTML to PDF; page images and text to review
pages      the signatures page and the audit certificate appended at completion
assemble   original + those pages, then the provider's seal
seal       the provider's seal (PAdES, pyHanko) and its demo certificate
verify     whether a file is one the provider sealed, unchanged since

Every refusal is a ValidationError written for the person acting (errors.py), so
a service lets it through and core.views.act shows it.
"""

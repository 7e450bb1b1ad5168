/**
 * The typed search attributes operators filter invoices by in the Web UI. Every value is an
 * identifier or a stage, never personal data: search attributes are not encrypted by the codec.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const InvoiceStage = defineSearchAttributeKey('InvoiceStage', 'KEYWORD');
export const InvoiceReferenceCode = defineSearchAttributeKey('InvoiceReferenceCode', 'KEYWORD');
export const InvoiceNumber = defineSearchAttributeKey('InvoiceNumber', 'KEYWORD');
export const ProviderAccountId = defineSearchAttributeKey('ProviderAccountId', 'KEYWORD');

/** Registered on every Temporal server the project uses (dev server flags, compose setup job). */
export const invoiceSearchAttributes = [InvoiceStage, InvoiceReferenceCode, InvoiceNumber, ProviderAccountId] as const;

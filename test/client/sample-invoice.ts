/** A valid `invoice` (SePay's create body without reference_code/is_draft) for the client tests. */
export function sampleInvoice() {
  return {
    template_code: '1',
    invoice_series: 'C25TAT',
    currency: 'VND' as const,
    payment_method: 'CK' as const,
    buyer: { type: 'company' as const, name: 'Công ty TNHH Ví Dụ', tax_code: '0101234567', email: 'buyer@example.com' },
    items: [
      { line_number: 1, line_type: 1 as const, item_code: 'SP001', item_name: 'Sản phẩm A', unit: 'cái', quantity: 2, unit_price: 100000, tax_rate: 10 as const },
      { line_number: 2, line_type: 1 as const, item_name: 'Dịch vụ lắp đặt', unit: 'Giờ', quantity: 1.5, unit_price: 200000, tax_rate: 8 as const },
    ],
    notes: 'Đơn hàng mẫu',
  };
}

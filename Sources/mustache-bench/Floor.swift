import FaturaMustache

/// The floor: a hand-written function that appends exactly the bytes the bill
/// templates produce, reading the data directly (no lookups, no dispatch).
/// Literal text is appended as static strings; values are HTML-escaped with the
/// same escaping routine the engine uses.
enum Floor {
    static func render(_ page: BillPage, into out: inout [UInt8]) {
        out.lit("<!DOCTYPE html>\n<html lang=\"")
        out.esc(page.lang)
        out.lit("\" dir=\"")
        out.esc(page.dir)
        out.lit("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        out.esc(page.title)
        out.lit("</title>\n")
        out.lit(css)
        header(page, into: &out)
        out.lit("<main class=\"bill\">\n")
        content(page, into: &out)
        out.lit("</main>\n")
        footer(page, into: &out)
        out.lit("</body>\n</html>\n")
    }

    static func header(_ page: BillPage, into out: inout [UInt8]) {
        let company = page.company
        out.lit("<header class=\"top\">\n  <div class=\"brand\">\n    <img src=\"")
        out.esc(company.logoUrl)
        out.lit("\" alt=\"")
        out.esc(company.name)
        out.lit("\" width=\"120\" height=\"40\">\n    <div class=\"brand-text\">\n      <strong>")
        out.esc(company.name)
        out.lit("</strong>\n      <span lang=\"ar\" dir=\"rtl\">")
        out.esc(company.nameAr)
        out.lit("</span>\n    </div>\n  </div>\n  <div class=\"company-meta\">\n    <div>")
        out.esc(company.address)
        out.lit("</div>\n    <div>VAT No. / الرقم الضريبي: ")
        out.esc(company.vatNumber)
        out.lit("</div>\n    <div>CR / السجل التجاري: ")
        out.esc(company.crNumber)
        out.lit("</div>\n    <div>")
        out.esc(company.phone)
        out.lit(" · ")
        out.esc(company.website)
        out.lit("</div>\n  </div>\n</header>\n")
    }

    static func footer(_ page: BillPage, into out: inout [UInt8]) {
        let company = page.company
        out.lit("<footer class=\"bottom\">\n  <p>")
        out.esc(company.name)
        out.lit(" · ")
        out.esc(company.supportPhone)
        out.lit(" · <a href=\"mailto:")
        out.esc(company.supportEmail)
        out.lit("\">")
        out.esc(company.supportEmail)
        out.lit("</a></p>\n  <p lang=\"ar\" dir=\"rtl\">للاستفسارات اتصل على الرقم الموحد أو راسلنا عبر البريد الإلكتروني</p>\n  <p class=\"small\">Generated ")
        out.esc(page.generatedAt)
        out.lit(" · Bill ")
        out.esc(page.bill.number)
        out.lit(" · Account ")
        out.esc(page.customer.accountNumber)
        out.lit(" · Page 1/1</p>\n</footer>\n")
    }

    static func content(_ page: BillPage, into out: inout [UInt8]) {
        let bill = page.bill
        let currency = page.currency
        let totals = page.totals
        out.lit("<section class=\"summary\">\n  <div class=\"box en\">\n    <h2>Bill summary</h2>\n    <table class=\"kv\">\n      <tr><th>Bill number</th><td>")
        out.esc(bill.number)
        out.lit("</td></tr>\n      <tr><th>Issue date</th><td>")
        out.esc(bill.issueDate)
        out.lit(" (")
        out.esc(bill.issueDateHijri)
        out.lit(" AH)</td></tr>\n      <tr><th>Billing period</th><td>")
        out.esc(bill.periodStart)
        out.lit(" – ")
        out.esc(bill.periodEnd)
        out.lit(" (")
        out.esc(bill.cycle)
        out.lit(")</td></tr>\n      <tr><th>Due date</th><td>")
        out.esc(bill.dueDate)
        out.lit("</td></tr>\n      <tr><th>Service</th><td>")
        out.esc(bill.serviceType)
        out.lit(", meter ")
        out.esc(bill.meterNumber)
        out.lit("</td></tr>\n      <tr><th>Amount due</th><td><strong>")
        out.esc(totals.amountDue)
        out.lit(" ")
        out.esc(currency)
        out.lit("</strong></td></tr>\n    </table>\n  </div>\n  <div class=\"box ar\" lang=\"ar\" dir=\"rtl\">\n    <h2>ملخص الفاتورة</h2>\n    <table class=\"kv\">\n      <tr><th>رقم الفاتورة</th><td>")
        out.esc(bill.number)
        out.lit("</td></tr>\n      <tr><th>تاريخ الإصدار</th><td>")
        out.esc(bill.issueDateHijri)
        out.lit(" هـ (")
        out.esc(bill.issueDate)
        out.lit(")</td></tr>\n      <tr><th>فترة الفوترة</th><td>")
        out.esc(bill.periodStart)
        out.lit(" – ")
        out.esc(bill.periodEnd)
        out.lit("</td></tr>\n      <tr><th>تاريخ الاستحقاق</th><td>")
        out.esc(bill.dueDate)
        out.lit("</td></tr>\n      <tr><th>الخدمة</th><td>")
        out.esc(bill.serviceType)
        out.lit("، عداد ")
        out.esc(bill.meterNumber)
        out.lit("</td></tr>\n      <tr><th>المبلغ المستحق</th><td><strong>")
        out.esc(totals.amountDue)
        out.lit(" ")
        out.esc(currency)
        out.lit("</strong></td></tr>\n    </table>\n  </div>\n</section>\n")

        let customer = page.customer
        out.lit("<section class=\"customer\">\n  <h3>Customer / العميل</h3>\n  <p class=\"name\">")
        out.esc(customer.name)
        out.lit(" <span lang=\"ar\" dir=\"rtl\">")
        out.esc(customer.nameAr)
        out.lit("</span></p>\n  <p>Account / رقم الحساب: ")
        out.esc(customer.accountNumber)
        out.lit("</p>\n  <address>")
        out.esc(customer.addressLine1)
        out.lit("<br>")
        out.esc(customer.addressLine2)
        out.lit("<br>")
        out.esc(customer.city)
        out.lit(" ")
        out.esc(customer.postalCode)
        out.lit("</address>\n  <p>")
        out.esc(customer.phone)
        out.lit(" · ")
        out.esc(customer.email)
        out.lit("</p>\n  <p>Type / الفئة: ")
        out.esc(customer.customerType)
        out.lit(" · Tariff / التعرفة: ")
        out.esc(customer.tariff)
        out.lit("</p>\n</section>\n")

        let consumption = page.consumption
        out.lit("<section class=\"consumption\">\n  <h3>Consumption / الاستهلاك</h3>\n  <table class=\"kv\">\n    <tr><th>Previous reading / القراءة السابقة</th><td>")
        out.esc(consumption.previousReading)
        out.lit(" ")
        out.esc(consumption.unit)
        out.lit("</td></tr>\n    <tr><th>Current reading / القراءة الحالية</th><td>")
        out.esc(consumption.currentReading)
        out.lit(" ")
        out.esc(consumption.unit)
        out.lit("</td></tr>\n    <tr><th>Consumption / الاستهلاك</th><td>")
        out.esc(consumption.consumption)
        out.lit(" ")
        out.esc(consumption.unit)
        out.lit(" in ")
        out.esc(consumption.days)
        out.lit(" days</td></tr>\n    <tr><th>Daily average / المعدل اليومي</th><td>")
        out.esc(consumption.averageDaily)
        out.lit(" ")
        out.esc(consumption.unit)
        out.lit("</td></tr>\n  </table>\n</section>\n")

        out.lit("<section class=\"charges\">\n  <h3>Charges / الرسوم</h3>\n  <table class=\"charges\">\n    <thead>\n      <tr><th>Description</th><th>البيان</th><th class=\"num\">Qty</th><th class=\"num\">Unit price</th><th class=\"num\">Amount</th></tr>\n    </thead>\n    <tbody>\n")
        for charge in page.charges {
            out.lit("      <tr class=\"")
            out.esc(charge.rowClass)
            out.lit("\"><td>")
            out.esc(charge.description)
            out.lit("</td><td lang=\"ar\" dir=\"rtl\">")
            out.esc(charge.descriptionAr)
            out.lit("</td><td class=\"num\">")
            out.esc(charge.quantity)
            out.lit("</td><td class=\"num\">")
            out.esc(charge.unitPrice)
            out.lit("</td><td class=\"num\">")
            out.esc(charge.amount)
            out.lit(" ")
            out.esc(currency)
            out.lit("</td></tr>\n")
        }
        if page.charges.isEmpty {
            out.lit("      <tr><td colspan=\"5\">No charges this period / لا توجد رسوم لهذه الفترة</td></tr>\n")
        }
        out.lit("    </tbody>\n    <tfoot>\n      <tr><th colspan=\"4\">Subtotal / المجموع الفرعي</th><td class=\"num\">")
        out.esc(totals.subtotal)
        out.lit(" ")
        out.esc(currency)
        out.lit("</td></tr>\n      <tr><th colspan=\"4\">VAT ")
        out.esc(totals.vatRate)
        out.lit(" / ضريبة القيمة المضافة</th><td class=\"num\">")
        out.esc(totals.vatAmount)
        out.lit(" ")
        out.esc(currency)
        out.lit("</td></tr>\n      <tr><th colspan=\"4\">Total this bill / إجمالي الفاتورة</th><td class=\"num\">")
        out.esc(totals.total)
        out.lit(" ")
        out.esc(currency)
        out.lit("</td></tr>\n      <tr><th colspan=\"4\">Previous balance / الرصيد السابق</th><td class=\"num\">")
        out.esc(totals.previousBalance)
        out.lit(" ")
        out.esc(currency)
        out.lit("</td></tr>\n      <tr><th colspan=\"4\">Payments received / المدفوعات</th><td class=\"num\">")
        out.esc(totals.payments)
        out.lit(" ")
        out.esc(currency)
        out.lit("</td></tr>\n      <tr class=\"due\"><th colspan=\"4\">Amount due / المبلغ المستحق</th><td class=\"num\">")
        out.esc(totals.amountDue)
        out.lit(" ")
        out.esc(currency)
        out.lit("</td></tr>\n    </tfoot>\n  </table>\n</section>\n")

        let chart = page.chart
        out.lit("<section class=\"chart\">\n  <h3>")
        out.esc(chart.caption)
        out.lit(" / ")
        out.esc(chart.captionAr)
        out.lit("</h3>\n  <svg viewBox=\"0 0 600 200\" role=\"img\" aria-label=\"")
        out.esc(chart.caption)
        out.lit("\">\n    <line x1=\"30\" y1=\"180\" x2=\"590\" y2=\"180\" stroke=\"#d9dee8\"/>\n")
        for bar in chart.bars {
            out.lit("    <rect class=\"")
            out.esc(bar.cls)
            out.lit("\" x=\"")
            out.int(bar.x)
            out.lit("\" y=\"")
            out.int(bar.y)
            out.lit("\" width=\"30\" height=\"")
            out.int(bar.height)
            out.lit("\"/><text x=\"")
            out.int(bar.labelX)
            out.lit("\" y=\"194\">")
            out.esc(bar.label)
            out.lit("</text>\n")
        }
        out.lit("  </svg>\n</section>\n")

        if page.isOverdue {
            out.lit("<p class=\"overdue\">Payment overdue: please pay ")
            out.esc(totals.amountDue)
            out.lit(" ")
            out.esc(currency)
            out.lit(" by ")
            out.esc(bill.dueDate)
            out.lit(". / الفاتورة متأخرة: يرجى سداد ")
            out.esc(totals.amountDue)
            out.lit(" ")
            out.esc(currency)
            out.lit(" قبل ")
            out.esc(bill.dueDate)
            out.lit(".</p>\n")
        }

        let payment = page.payment
        out.lit("<section class=\"payment\">\n  <h3>How to pay / طرق السداد</h3>\n  <dl>\n    <dt>SADAD biller / رمز المفوتر</dt><dd>")
        out.esc(payment.billerCode)
        out.lit("</dd>\n    <dt>SADAD number / رقم سداد</dt><dd>")
        out.esc(payment.sadadNumber)
        out.lit("</dd>\n    <dt>Bank / البنك</dt><dd>")
        out.esc(payment.bankName)
        out.lit("</dd>\n    <dt>IBAN / الآيبان</dt><dd>")
        out.esc(payment.iban)
        out.lit("</dd>\n    <dt>Reference / المرجع</dt><dd>")
        out.esc(payment.reference)
        out.lit("</dd>\n    <dt>Amount / المبلغ</dt><dd>")
        out.esc(totals.amountDue)
        out.lit(" ")
        out.esc(currency)
        out.lit("</dd>\n  </dl>\n</section>\n")
    }

    /// The layout's style sheet, up to and including `<body>`.
    static let css: StaticString = #"""
<style>
:root { --ink: #1d2433; --muted: #5b6478; --line: #d9dee8; --accent: #0b6e4f; --warn: #b3261e; --bg: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Inter", "Noto Sans Arabic", Arial, sans-serif; color: var(--ink); background: var(--bg); font-size: 13px; line-height: 1.45; }
header.top { display: flex; justify-content: space-between; align-items: flex-start; padding: 24px 32px; background: #fff; border-bottom: 3px solid var(--accent); }
header.top .brand { display: flex; gap: 12px; align-items: center; }
header.top .brand-text strong { display: block; font-size: 16px; }
header.top .company-meta { text-align: end; color: var(--muted); font-size: 12px; }
main.bill { padding: 24px 32px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; }
section.summary { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; background: transparent; border: 0; padding: 0; }
.box { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
.box.ar { direction: rtl; text-align: right; }
h2 { font-size: 15px; margin: 0 0 10px; color: var(--accent); }
h3 { font-size: 14px; margin: 0 0 8px; }
table { width: 100%; border-collapse: collapse; }
table.kv th { text-align: start; font-weight: 500; color: var(--muted); padding: 3px 0; width: 45%; }
table.kv td { padding: 3px 0; font-variant-numeric: tabular-nums; }
table.charges th, table.charges td { padding: 6px 8px; border-bottom: 1px solid var(--line); }
table.charges thead th { background: var(--bg); text-align: start; font-size: 12px; }
table.charges .num { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.charges tr.alt td { background: #fafbfd; }
table.charges tfoot th { text-align: end; font-weight: 500; }
table.charges tfoot tr.due th, table.charges tfoot tr.due td { font-size: 15px; font-weight: 700; color: var(--accent); }
.chart svg { width: 100%; height: auto; }
.chart .bar { fill: #9ccfbe; }
.chart .bar.current { fill: var(--accent); }
.chart text { font-size: 10px; fill: var(--muted); text-anchor: middle; }
.overdue { color: var(--warn); font-weight: 700; border: 1px solid var(--warn); border-radius: 6px; padding: 8px 12px; }
.payment dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.payment dt { color: var(--muted); }
footer.bottom { padding: 16px 32px 32px; color: var(--muted); font-size: 11px; text-align: center; }
@media print { body { background: #fff; } section, .box { break-inside: avoid; } }
</style>
</head>
<body>

"""#
}

extension [UInt8] {
    @inline(__always)
    fileprivate mutating func lit(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    fileprivate mutating func esc(_ text: String) {
        HTMLEscape.append(text, to: &self)
    }

    fileprivate mutating func int(_ number: Int) {
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var position = 20
            repeat {
                position -= 1
                digits[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
            } while magnitude > 0
            if number < 0 { append(45) }
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[position..<20]))
        }
    }
}

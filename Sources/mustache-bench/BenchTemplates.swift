/// The benchmark templates: a bilingual e-bill page using a layout (parent with
/// a `content` block), header/footer partials, a charges table and an SVG chart.
enum BenchTemplates {
    static let all: [String: String] = [
        "layout": layout,
        "partials/header": header,
        "partials/footer": footer,
        "bill": bill,
    ]

    static let layout = #"""
<!DOCTYPE html>
<html lang="{{lang}}" dir="{{dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
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
{{>partials/header}}
<main class="bill">
{{$content}}
<p>No bill content.</p>
{{/content}}
</main>
{{>partials/footer}}
</body>
</html>

"""#

    static let header = #"""
<header class="top">
  <div class="brand">
    <img src="{{company.logoUrl}}" alt="{{company.name}}" width="120" height="40">
    <div class="brand-text">
      <strong>{{company.name}}</strong>
      <span lang="ar" dir="rtl">{{company.nameAr}}</span>
    </div>
  </div>
  <div class="company-meta">
    <div>{{company.address}}</div>
    <div>VAT No. / الرقم الضريبي: {{company.vatNumber}}</div>
    <div>CR / السجل التجاري: {{company.crNumber}}</div>
    <div>{{company.phone}} · {{company.website}}</div>
  </div>
</header>

"""#

    static let footer = #"""
<footer class="bottom">
{{#company}}
  <p>{{name}} · {{supportPhone}} · <a href="mailto:{{supportEmail}}">{{supportEmail}}</a></p>
  <p lang="ar" dir="rtl">للاستفسارات اتصل على الرقم الموحد أو راسلنا عبر البريد الإلكتروني</p>
{{/company}}
  <p class="small">Generated {{generatedAt}} · Bill {{bill.number}} · Account {{customer.accountNumber}} · Page 1/1</p>
</footer>

"""#

    static let bill = #"""
{{<layout}}
{{$content}}
<section class="summary">
  <div class="box en">
    <h2>Bill summary</h2>
    <table class="kv">
{{#bill}}
      <tr><th>Bill number</th><td>{{number}}</td></tr>
      <tr><th>Issue date</th><td>{{issueDate}} ({{issueDateHijri}} AH)</td></tr>
      <tr><th>Billing period</th><td>{{periodStart}} – {{periodEnd}} ({{cycle}})</td></tr>
      <tr><th>Due date</th><td>{{dueDate}}</td></tr>
      <tr><th>Service</th><td>{{serviceType}}, meter {{meterNumber}}</td></tr>
{{/bill}}
      <tr><th>Amount due</th><td><strong>{{totals.amountDue}} {{currency}}</strong></td></tr>
    </table>
  </div>
  <div class="box ar" lang="ar" dir="rtl">
    <h2>ملخص الفاتورة</h2>
    <table class="kv">
{{#bill}}
      <tr><th>رقم الفاتورة</th><td>{{number}}</td></tr>
      <tr><th>تاريخ الإصدار</th><td>{{issueDateHijri}} هـ ({{issueDate}})</td></tr>
      <tr><th>فترة الفوترة</th><td>{{periodStart}} – {{periodEnd}}</td></tr>
      <tr><th>تاريخ الاستحقاق</th><td>{{dueDate}}</td></tr>
      <tr><th>الخدمة</th><td>{{serviceType}}، عداد {{meterNumber}}</td></tr>
{{/bill}}
      <tr><th>المبلغ المستحق</th><td><strong>{{totals.amountDue}} {{currency}}</strong></td></tr>
    </table>
  </div>
</section>
{{#customer}}
<section class="customer">
  <h3>Customer / العميل</h3>
  <p class="name">{{name}} <span lang="ar" dir="rtl">{{nameAr}}</span></p>
  <p>Account / رقم الحساب: {{accountNumber}}</p>
  <address>{{addressLine1}}<br>{{addressLine2}}<br>{{city}} {{postalCode}}</address>
  <p>{{phone}} · {{email}}</p>
  <p>Type / الفئة: {{customerType}} · Tariff / التعرفة: {{tariff}}</p>
</section>
{{/customer}}
<section class="consumption">
  <h3>Consumption / الاستهلاك</h3>
  <table class="kv">
    <tr><th>Previous reading / القراءة السابقة</th><td>{{consumption.previousReading}} {{consumption.unit}}</td></tr>
    <tr><th>Current reading / القراءة الحالية</th><td>{{consumption.currentReading}} {{consumption.unit}}</td></tr>
    <tr><th>Consumption / الاستهلاك</th><td>{{consumption.consumption}} {{consumption.unit}} in {{consumption.days}} days</td></tr>
    <tr><th>Daily average / المعدل اليومي</th><td>{{consumption.averageDaily}} {{consumption.unit}}</td></tr>
  </table>
</section>
<section class="charges">
  <h3>Charges / الرسوم</h3>
  <table class="charges">
    <thead>
      <tr><th>Description</th><th>البيان</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Amount</th></tr>
    </thead>
    <tbody>
{{#charges}}
      <tr class="{{rowClass}}"><td>{{description}}</td><td lang="ar" dir="rtl">{{descriptionAr}}</td><td class="num">{{quantity}}</td><td class="num">{{unitPrice}}</td><td class="num">{{amount}} {{currency}}</td></tr>
{{/charges}}
{{^charges}}
      <tr><td colspan="5">No charges this period / لا توجد رسوم لهذه الفترة</td></tr>
{{/charges}}
    </tbody>
    <tfoot>
{{#totals}}
      <tr><th colspan="4">Subtotal / المجموع الفرعي</th><td class="num">{{subtotal}} {{currency}}</td></tr>
      <tr><th colspan="4">VAT {{vatRate}} / ضريبة القيمة المضافة</th><td class="num">{{vatAmount}} {{currency}}</td></tr>
      <tr><th colspan="4">Total this bill / إجمالي الفاتورة</th><td class="num">{{total}} {{currency}}</td></tr>
      <tr><th colspan="4">Previous balance / الرصيد السابق</th><td class="num">{{previousBalance}} {{currency}}</td></tr>
      <tr><th colspan="4">Payments received / المدفوعات</th><td class="num">{{payments}} {{currency}}</td></tr>
      <tr class="due"><th colspan="4">Amount due / المبلغ المستحق</th><td class="num">{{amountDue}} {{currency}}</td></tr>
{{/totals}}
    </tfoot>
  </table>
</section>
<section class="chart">
  <h3>{{chart.caption}} / {{chart.captionAr}}</h3>
  <svg viewBox="0 0 600 200" role="img" aria-label="{{chart.caption}}">
    <line x1="30" y1="180" x2="590" y2="180" stroke="#d9dee8"/>
{{#chart.bars}}
    <rect class="{{cls}}" x="{{x}}" y="{{y}}" width="30" height="{{height}}"/><text x="{{labelX}}" y="194">{{label}}</text>
{{/chart.bars}}
  </svg>
</section>
{{#isOverdue}}
<p class="overdue">Payment overdue: please pay {{totals.amountDue}} {{currency}} by {{bill.dueDate}}. / الفاتورة متأخرة: يرجى سداد {{totals.amountDue}} {{currency}} قبل {{bill.dueDate}}.</p>
{{/isOverdue}}
<section class="payment">
  <h3>How to pay / طرق السداد</h3>
  <dl>
{{#payment}}
    <dt>SADAD biller / رمز المفوتر</dt><dd>{{billerCode}}</dd>
    <dt>SADAD number / رقم سداد</dt><dd>{{sadadNumber}}</dd>
    <dt>Bank / البنك</dt><dd>{{bankName}}</dd>
    <dt>IBAN / الآيبان</dt><dd>{{iban}}</dd>
    <dt>Reference / المرجع</dt><dd>{{reference}}</dd>
{{/payment}}
    <dt>Amount / المبلغ</dt><dd>{{totals.amountDue}} {{currency}}</dd>
  </dl>
</section>
{{/content}}
{{/layout}}
"""#
}

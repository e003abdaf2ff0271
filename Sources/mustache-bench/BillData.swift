/// Plain data of one bill page, as the product would compute it: amounts and
/// dates are already formatted; chart geometry is numeric.
struct Company: Sendable {
    var name, nameAr, logoUrl, address, vatNumber, crNumber, phone, website, supportPhone, supportEmail: String
}

struct Customer: Sendable {
    var name, nameAr, accountNumber, addressLine1, addressLine2, city, postalCode, phone, email, customerType,
        tariff: String
}

struct BillInfo: Sendable {
    var number, issueDate, issueDateHijri, dueDate, periodStart, periodEnd, meterNumber, serviceType, cycle: String
}

struct Consumption: Sendable {
    var previousReading, currentReading, consumption, unit, days, averageDaily, previousPeriod, change: String
}

struct Charge: Sendable {
    var description, descriptionAr, quantity, unitPrice, vat, amount, rowClass: String
}

struct Totals: Sendable {
    var subtotal, vatRate, vatAmount, total, previousBalance, payments, amountDue: String
}

struct Bar: Sendable {
    var x, y, width, height, labelX: Int
    var label, value, cls: String
}

struct Chart: Sendable {
    var bars: [Bar]
    var caption, captionAr: String
}

struct Payment: Sendable {
    var iban, bankName, sadadNumber, billerCode, reference: String
}

struct BillPage: Sendable {
    var lang, dir, title, generatedAt, currency: String
    var isOverdue: Bool
    var company: Company
    var customer: Customer
    var bill: BillInfo
    var consumption: Consumption
    var charges: [Charge]
    var totals: Totals
    var chart: Chart
    var payment: Payment

    /// A realistic sample bill.
    static func sample() -> BillPage {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let usage = [812, 790, 845, 1020, 1310, 1654, 1822, 1790, 1402, 1105, 880, 1247]
        let maxUsage = usage.max()!
        var bars: [Bar] = []
        for (index, month) in months.enumerated() {
            let height = usage[index] * 160 / maxUsage
            bars.append(
                Bar(
                    x: 40 + index * 46, y: 180 - height, width: 30, height: height, labelX: 55 + index * 46,
                    label: month, value: "\(usage[index]) kWh", cls: index == 11 ? "bar current" : "bar"))
        }
        return BillPage(
            lang: "en", dir: "ltr", title: "Electricity bill 2026-11 — فاتورة الكهرباء",
            generatedAt: "2026-11-24 09:15 +03:00", currency: "SAR", isOverdue: true,
            company: Company(
                name: "Al-Noor Power & Water Co.", nameAr: "شركة النور للكهرباء والمياه",
                logoUrl: "https://cdn.example.com/logo.svg?v=3&theme=light",
                address: "King Fahd Rd, Al Olaya, Riyadh 12211", vatNumber: "300012345600003",
                crNumber: "1010123456", phone: "+966 11 000 0000", website: "www.alnoor.example",
                supportPhone: "920000000", supportEmail: "care@alnoor.example"),
            customer: Customer(
                name: "Sara O'Neil", nameAr: "سارة أونيل", accountNumber: "1002-3344-5566",
                addressLine1: "Building 12, Street 5", addressLine2: "Al Malqa District", city: "Riyadh",
                postalCode: "13521", phone: "+966 50 123 4567", email: "sara.oneil@example.com",
                customerType: "Residential <Premium>", tariff: "R-2 (tiered)"),
            bill: BillInfo(
                number: "INV-2026-11-004512", issueDate: "2026-11-01", issueDateHijri: "1448/05/10",
                dueDate: "2026-11-30", periodStart: "2026-10-01", periodEnd: "2026-10-31",
                meterNumber: "MTR-77810-22", serviceType: "Electricity", cycle: "Monthly"),
            consumption: Consumption(
                previousReading: "58,114", currentReading: "59,361", consumption: "1,247", unit: "kWh",
                days: "31", averageDaily: "40.2", previousPeriod: "1,105", change: "+12.9%"),
            charges: [
                Charge(
                    description: "Energy 0–6000 kWh", descriptionAr: "الطاقة ٠–٦٠٠٠ ك.و.س", quantity: "1,247",
                    unitPrice: "0.18", vat: "33.67", amount: "224.46", rowClass: "row"),
                Charge(
                    description: "Meter reading & maintenance", descriptionAr: "قراءة العداد والصيانة",
                    quantity: "1", unitPrice: "10.00", vat: "1.50", amount: "10.00", rowClass: "row alt"),
                Charge(
                    description: "Municipal fee", descriptionAr: "رسوم البلدية", quantity: "1", unitPrice: "5.00",
                    vat: "0.75", amount: "5.00", rowClass: "row"),
                Charge(
                    description: "Late payment fee \"Oct\"", descriptionAr: "غرامة تأخير السداد", quantity: "1",
                    unitPrice: "15.00", vat: "2.25", amount: "15.00", rowClass: "row alt"),
                Charge(
                    description: "Green energy contribution", descriptionAr: "مساهمة الطاقة الخضراء",
                    quantity: "1,247", unitPrice: "0.002", vat: "0.37", amount: "2.49", rowClass: "row"),
                Charge(
                    description: "Discount (autopay)", descriptionAr: "خصم الدفع التلقائي", quantity: "1",
                    unitPrice: "-5.00", vat: "-0.75", amount: "-5.00", rowClass: "row alt"),
            ],
            totals: Totals(
                subtotal: "251.95", vatRate: "15%", vatAmount: "37.79", total: "289.74",
                previousBalance: "120.00", payments: "-100.00", amountDue: "309.74"),
            chart: Chart(
                bars: bars, caption: "Monthly consumption, last 12 months (kWh)",
                captionAr: "الاستهلاك الشهري لآخر ١٢ شهرًا (ك.و.س)"),
            payment: Payment(
                iban: "SA03 8000 0000 6080 1016 7519", bankName: "Example Bank", sadadNumber: "100233445566",
                billerCode: "042", reference: "RF18 5390 0754 7034"))
    }
}

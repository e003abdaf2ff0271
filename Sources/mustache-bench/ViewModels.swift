import FaturaMustache

// View models for FaturaMustache, built once per bill from the plain data:
// final classes (so a nested `.object(model)` is a reference, not a boxed
// struct copy) whose `value(for:)` switches on the key name, as product view
// models do. Like everything else in a view model, list values are built once
// when the view model is built (just as swift-mustache gets its arrays of
// dictionaries prebuilt), not on every lookup.
final class CompanyModel: MustacheObject {
    let data: Company

    init(_ data: Company) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "name": return .string(data.name)
        case "nameAr": return .string(data.nameAr)
        case "logoUrl": return .string(data.logoUrl)
        case "address": return .string(data.address)
        case "vatNumber": return .string(data.vatNumber)
        case "crNumber": return .string(data.crNumber)
        case "phone": return .string(data.phone)
        case "website": return .string(data.website)
        case "supportPhone": return .string(data.supportPhone)
        case "supportEmail": return .string(data.supportEmail)
        default: return nil
        }
    }
}

final class CustomerModel: MustacheObject {
    let data: Customer

    init(_ data: Customer) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "name": return .string(data.name)
        case "nameAr": return .string(data.nameAr)
        case "accountNumber": return .string(data.accountNumber)
        case "addressLine1": return .string(data.addressLine1)
        case "addressLine2": return .string(data.addressLine2)
        case "city": return .string(data.city)
        case "postalCode": return .string(data.postalCode)
        case "phone": return .string(data.phone)
        case "email": return .string(data.email)
        case "customerType": return .string(data.customerType)
        case "tariff": return .string(data.tariff)
        default: return nil
        }
    }
}

final class BillInfoModel: MustacheObject {
    let data: BillInfo

    init(_ data: BillInfo) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "number": return .string(data.number)
        case "issueDate": return .string(data.issueDate)
        case "issueDateHijri": return .string(data.issueDateHijri)
        case "dueDate": return .string(data.dueDate)
        case "periodStart": return .string(data.periodStart)
        case "periodEnd": return .string(data.periodEnd)
        case "meterNumber": return .string(data.meterNumber)
        case "serviceType": return .string(data.serviceType)
        case "cycle": return .string(data.cycle)
        default: return nil
        }
    }
}

final class ConsumptionModel: MustacheObject {
    let data: Consumption

    init(_ data: Consumption) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "previousReading": return .string(data.previousReading)
        case "currentReading": return .string(data.currentReading)
        case "consumption": return .string(data.consumption)
        case "unit": return .string(data.unit)
        case "days": return .string(data.days)
        case "averageDaily": return .string(data.averageDaily)
        case "previousPeriod": return .string(data.previousPeriod)
        case "change": return .string(data.change)
        default: return nil
        }
    }
}

final class ChargeModel: MustacheObject {
    let data: Charge

    init(_ data: Charge) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "description": return .string(data.description)
        case "descriptionAr": return .string(data.descriptionAr)
        case "quantity": return .string(data.quantity)
        case "unitPrice": return .string(data.unitPrice)
        case "vat": return .string(data.vat)
        case "amount": return .string(data.amount)
        case "rowClass": return .string(data.rowClass)
        default: return nil
        }
    }
}

final class TotalsModel: MustacheObject {
    let data: Totals

    init(_ data: Totals) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "subtotal": return .string(data.subtotal)
        case "vatRate": return .string(data.vatRate)
        case "vatAmount": return .string(data.vatAmount)
        case "total": return .string(data.total)
        case "previousBalance": return .string(data.previousBalance)
        case "payments": return .string(data.payments)
        case "amountDue": return .string(data.amountDue)
        default: return nil
        }
    }
}

final class BarModel: MustacheObject {
    let data: Bar

    init(_ data: Bar) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "x": return .int(data.x)
        case "y": return .int(data.y)
        case "width": return .int(data.width)
        case "height": return .int(data.height)
        case "labelX": return .int(data.labelX)
        case "label": return .string(data.label)
        case "value": return .string(data.value)
        case "cls": return .string(data.cls)
        default: return nil
        }
    }
}

final class ChartModel: MustacheObject {
    let data: Chart
    let bars: [MustacheValue]

    init(_ data: Chart) {
        self.data = data
        self.bars = data.bars.map { .object(BarModel($0)) }
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "bars": return .list(bars)
        case "caption": return .string(data.caption)
        case "captionAr": return .string(data.captionAr)
        default: return nil
        }
    }
}

final class PaymentModel: MustacheObject {
    let data: Payment

    init(_ data: Payment) {
        self.data = data
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "iban": return .string(data.iban)
        case "bankName": return .string(data.bankName)
        case "sadadNumber": return .string(data.sadadNumber)
        case "billerCode": return .string(data.billerCode)
        case "reference": return .string(data.reference)
        default: return nil
        }
    }
}

final class BillPageModel: MustacheObject {
    let data: BillPage
    let company: CompanyModel
    let customer: CustomerModel
    let bill: BillInfoModel
    let consumption: ConsumptionModel
    let charges: [MustacheValue]
    let totals: TotalsModel
    let chart: ChartModel
    let payment: PaymentModel

    init(_ data: BillPage) {
        self.data = data
        self.company = CompanyModel(data.company)
        self.customer = CustomerModel(data.customer)
        self.bill = BillInfoModel(data.bill)
        self.consumption = ConsumptionModel(data.consumption)
        self.charges = data.charges.map { .object(ChargeModel($0)) }
        self.totals = TotalsModel(data.totals)
        self.chart = ChartModel(data.chart)
        self.payment = PaymentModel(data.payment)
    }

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "lang": return .string(data.lang)
        case "dir": return .string(data.dir)
        case "title": return .string(data.title)
        case "generatedAt": return .string(data.generatedAt)
        case "currency": return .string(data.currency)
        case "isOverdue": return .bool(data.isOverdue)
        case "company": return .object(company)
        case "customer": return .object(customer)
        case "bill": return .object(bill)
        case "consumption": return .object(consumption)
        case "charges": return .list(charges)
        case "totals": return .object(totals)
        case "chart": return .object(chart)
        case "payment": return .object(payment)
        default: return nil
        }
    }
}

// The same data for swift-mustache, whose context is `Any`: nested
// `[String: Any]` dictionaries (its fastest lookup path; structs would go
// through `Mirror`).
extension BillPage {
    func swiftMustacheContext() -> [String: Any] {
        [
            "lang": lang, "dir": dir, "title": title, "generatedAt": generatedAt, "currency": currency,
            "isOverdue": isOverdue,
            "company": [
                "name": company.name, "nameAr": company.nameAr, "logoUrl": company.logoUrl,
                "address": company.address, "vatNumber": company.vatNumber, "crNumber": company.crNumber,
                "phone": company.phone, "website": company.website, "supportPhone": company.supportPhone,
                "supportEmail": company.supportEmail,
            ] as [String: Any],
            "customer": [
                "name": customer.name, "nameAr": customer.nameAr, "accountNumber": customer.accountNumber,
                "addressLine1": customer.addressLine1, "addressLine2": customer.addressLine2, "city": customer.city,
                "postalCode": customer.postalCode, "phone": customer.phone, "email": customer.email,
                "customerType": customer.customerType, "tariff": customer.tariff,
            ] as [String: Any],
            "bill": [
                "number": bill.number, "issueDate": bill.issueDate, "issueDateHijri": bill.issueDateHijri,
                "dueDate": bill.dueDate, "periodStart": bill.periodStart, "periodEnd": bill.periodEnd,
                "meterNumber": bill.meterNumber, "serviceType": bill.serviceType, "cycle": bill.cycle,
            ] as [String: Any],
            "consumption": [
                "previousReading": consumption.previousReading, "currentReading": consumption.currentReading,
                "consumption": consumption.consumption, "unit": consumption.unit, "days": consumption.days,
                "averageDaily": consumption.averageDaily, "previousPeriod": consumption.previousPeriod,
                "change": consumption.change,
            ] as [String: Any],
            "charges": charges.map { charge -> [String: Any] in
                [
                    "description": charge.description, "descriptionAr": charge.descriptionAr,
                    "quantity": charge.quantity, "unitPrice": charge.unitPrice, "vat": charge.vat,
                    "amount": charge.amount, "rowClass": charge.rowClass,
                ]
            },
            "totals": [
                "subtotal": totals.subtotal, "vatRate": totals.vatRate, "vatAmount": totals.vatAmount,
                "total": totals.total, "previousBalance": totals.previousBalance, "payments": totals.payments,
                "amountDue": totals.amountDue,
            ] as [String: Any],
            "chart": [
                "bars": chart.bars.map { bar -> [String: Any] in
                    [
                        "x": bar.x, "y": bar.y, "width": bar.width, "height": bar.height, "labelX": bar.labelX,
                        "label": bar.label, "value": bar.value, "cls": bar.cls,
                    ]
                },
                "caption": chart.caption, "captionAr": chart.captionAr,
            ] as [String: Any],
            "payment": [
                "iban": payment.iban, "bankName": payment.bankName, "sadadNumber": payment.sadadNumber,
                "billerCode": payment.billerCode, "reference": payment.reference,
            ] as [String: Any],
        ]
    }
}

/// The words around a number that raise it to personal data (身份证, 卡号, QQ, 微信号, 密码…)
/// or lower it to none (订单, 快递, 客服热线, 比如, prices and amounts). The window before a
/// number is at most ``PIIContext/window`` scalars of its sentence (spaces not counted), so
/// the cost per number is bounded and matching stays linear in the text.
enum PIIContext {
    enum Decision: Equatable {
        case none
        /// A context word that makes the number personal even without a checksum.
        case raise(String, PIIKind)
        /// An order, ticket, tracking or service number, a price, the last digits only.
        case lower
        /// A word that asks for or names personal data (手机, 电话, 号码…): nothing is lowered by a farther word.
        case personal
    }

    enum Class { case raise(PIIKind), lower, personal, example, company, companyLine, owner, firstPerson }

    struct Before {
        var decision: Decision = .none
        /// 比如, 例如, 举个例子…: an example in an instruction.
        var example = false
        /// The company's own number: 我们 / 公司 / 客服 / 热线 / 营业厅… with no 您 / 客户 / 登记… after it.
        var company = false
    }

    struct After {
        /// 元, 块, 万, %, yuan…: an amount.
        var amount = false
        /// 是我们 / 是公司 / 是客服…: the number said to be the company's.
        var company = false
    }

    static let companyAfter: [[Unicode.Scalar]] = ["我们", "公司", "客服", "热线", "官方", "营业厅", "门店", "总部", "我司", "我們", "熱線", "營業廳"].map { Array($0.unicodeScalars) }

    static let window = 24
    static let wode = Array("我的".unicodeScalars), my = Array("my".unicodeScalars), benren = Array("本人".unicodeScalars)
    /// A raising word counts this close to the number (scalars, spaces not counted).
    static let raiseDistance = 8
    /// A lowering word (order, amount) counts this close.
    static let lowerDistance = 14

    /// Keywords by their last scalar, longest first (so 身份证号码 wins over 号码).
    static let keywords: [Unicode.Scalar: [([Unicode.Scalar], Class)]] = {
        var list: [(String, Class)] = []
        for w in ["身份证", "身份证号", "身份证号码", "证件号", "证件号码", "身份号码", "身份证件号", "身份證", "身份證號", "身份證號碼", "證件號", "證件號碼"] { list.append((w, .raise(.idNumber))) }
        for w in ["卡号", "卡号码", "银行卡", "银行卡号", "银行卡号码", "信用卡", "信用卡号", "储蓄卡", "借记卡", "卡號", "銀行卡", "銀行卡號", "信用卡號", "儲蓄卡", "card number", "credit card", "debit card", "card"] { list.append((w, .raise(.bankCard))) }
        for w in ["账号", "帐号", "账户", "帐户", "账户号", "账户号码", "账号码", "帐户号码", "帳號", "賬號", "帳戶", "賬戶", "account number", "account"] { list.append((w, .raise(.account))) }
        for w in ["密码", "密碼", "password", "passcode"] { list.append((w, .raise(.password))) }
        for w in ["qq", "qq号", "qq号码", "扣扣", "扣扣号"] { list.append((w, .raise(.qq))) }
        for w in ["微信号", "微信", "微信号码", "微信號", "wechat", "wechat id"] { list.append((w, .raise(.wechat))) }
        for w in ["订单", "订单号", "单号", "工单", "工单号", "快递", "快递单", "物流", "服务单", "运单", "运单号", "流水号", "编号",
                  "受理号", "业务号", "发票号", "发票号码", "发票代码", "税号", "合同号", "批次", "序列号", "型号", "条码", "追踪号", "跟踪号", "退货单", "预约号",
                  "訂單", "訂單號", "單號", "工單", "工單號", "快遞", "快遞單號", "物流單號", "服務單", "運單", "運單號", "編號", "流水號",
                  "order number", "order", "订单号码", "单号码", "工单号码", "快递单号", "快递单号码", "运单号码", "物流单号", "ticket", "ticket number", "tracking", "tracking number", "case number", "reference", "confirmation number", "invoice",
                  // Amounts.
                  "金额", "价格", "费用", "余额", "金額", "價格", "費用", "餘額", "欠费", "总价", "合计", "共计", "总共", "单价", "售价", "标价", "退款", "收费", "扣费",
                  "¥", "￥", "$", "€", "£", "rmb", "usd", "amount", "price", "total", "balance",
                  // Only the last digits.
                  "尾号", "后四位", "后4位", "尾號", "後四位", "後4位", "后几位", "末四位", "后六位", "后6位", "前三位", "前几位", "last four", "last 4", "last four digits", "ending in", "ends in"] {
            list.append((w, .lower))
        }
        for w in ["手机", "手机号", "电话", "号码", "联系方式", "座机", "联系电话", "回拨", "打给我", "手機", "電話", "號碼", "聯繫電話", "聯絡電話",
                  "快递员", "快递小哥", "配送员", "师傅", "司机", "骑手", "快遞員", "phone", "number", "mobile", "cell", "call me at", "reach me at", "phone number", "line", "office line", "main line"] {
            list.append((w, .personal))
        }
        for w in ["比如", "例如", "举个例子", "舉個例子", "舉例", "範例", "举例", "例子", "示例", "样例", "比方说", "格式", "for example", "such as", "e.g.", "example", "for instance"] {
            list.append((w, .example))
        }
        for w in ["我们", "公司", "客服", "营业厅", "总部", "门店", "本店", "官方", "前台", "售后", "分公司", "网点", "店里", "我司",
                  "本公司", "门市", "門市", "我們", "公司的", "維修中心", "维修中心", "服务中心", "服務中心", "营业部", "營業廳", "總部", "門店",
                  "客服中心", "维修点", "售后点", "our office", "customer service", "support", "our company", "our"] {
            list.append((w, .company))
        }
        for w in ["热线", "服务电话", "咨询电话", "投诉电话", "客服电话", "总机", "服务热线", "熱線", "服務電話", "客服電話", "總機", "hotline", "toll free", "toll-free", "call us", "our number", "our main line"] {
            list.append((w, .companyLine))
        }
        for w in ["您", "你", "客户", "本人", "机主", "登记", "预留", "留的", "绑定", "注册", "家里", "先生", "女士", "your", "my", "我的",
                  "客戶", "機主", "登記", "預留", "綁定", "註冊"] {
            list.append((w, .owner))
        }
        // 我 alone: the speaker's own number follows; no example (比如说我身份证…).
        list.append(("我", .firstPerson))
        var map: [Unicode.Scalar: [([Unicode.Scalar], Class)]] = [:]
        for (w, c) in list {
            let s = Array(w.unicodeScalars)
            map[s.last!, default: []].append((s, c))
        }
        for k in map.keys { map[k]!.sort { $0.0.count > $1.0.count } }
        return map
    }()

    static func isTerminator(_ c: Unicode.Scalar) -> Bool {
        switch c { case "。", "！", "？", "!", "?", "；", ";", "\n", "\r": return true; default: return false }
    }

    @inline(__always) static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        (c.value >= 0x41 && c.value <= 0x5A) ? Unicode.Scalar(c.value | 0x20)! : c
    }

    /// The context before the number starting at `start`.
    static func before(_ chars: [Unicode.Scalar], _ start: Int) -> Before {
        // The window, nearest first, spaces left out; it stops at a sentence's end.
        var w: [Unicode.Scalar] = []
        var p = start - 1
        // Where the window passes another number: words beyond it speak of that number, and
        // only an example or the company's own line still counts for this one.
        var boundary = Int.max
        while p >= 0, w.count < window {
            let c = chars[p]
            if isTerminator(c) { break }
            if boundary == Int.max, PIIDetector.isASCIIDigit(c) || (c.value >= 0xFF10 && c.value <= 0xFF19) { boundary = w.count }
            if c == " " || c == "\u{3000}" || c == "\t" || c.value == 0xA0 {
                // One space between Latin words (so "your number" is not "our number"), none elsewhere.
                if let last = w.last, PIIDetector.alnum(last), p > 0, PIIDetector.alnum(chars[p - 1]), last != " " { w.append(" ") }
            } else {
                w.append(lower(c))
            }
            p -= 1
        }
        // w[0] is the scalar just before the number. A keyword ending at w[d] is d scalars away.
        var out = Before()
        var decided = false
        var sawOwner = false, sawPhoneWord = false
        // 我的, my, 本人, 我 nearer than an example word: the speaker's own number, not an example.
        var sawSelf = false
        var d = 0
        while d < w.count {
            guard let candidates = keywords[w[d]] else { d += 1; continue }
            var matched: ([Unicode.Scalar], Class)?
            for (kw, cls) in candidates where kw.count <= w.count - d {
                var ok = true
                for (j, c) in kw.reversed().enumerated() where w[d + j] != c { ok = false; break }
                // A Latin keyword is a whole word: no letter right before or after it.
                if ok, PIIDetector.isASCIILetter(kw[0]), d + kw.count < w.count, PIIDetector.isASCIILetter(w[d + kw.count]) { ok = false }
                if ok, PIIDetector.isASCIILetter(kw[kw.count - 1]), d > 0, PIIDetector.isASCIILetter(w[d - 1]) { ok = false }
                // Part of an address (x@example.com, www.example.com): no word.
                if ok, PIIDetector.isASCIILetter(kw[0]), d + kw.count < w.count, w[d + kw.count] == "@" || w[d + kw.count] == "." { ok = false }
                if ok { matched = (kw, cls); break }
            }
            guard let (kw, cls) = matched else { d += 1; continue }
            if d >= boundary { decided = true }
            switch cls {
            case .raise(let kind):
                if !decided && d <= raiseDistance { out.decision = .raise(String(String.UnicodeScalarView(kw)), kind) }
                decided = true
            case .lower:
                if !decided && d <= lowerDistance { out.decision = .lower }
                decided = true
            case .personal:
                if !decided { out.decision = .personal }
                decided = true
                sawPhoneWord = true
            case .example:
                if !sawSelf { out.example = true }
            case .company:
                if !sawOwner && sawPhoneWord { out.company = true }
            case .companyLine:
                if !sawOwner { out.company = true }
                if !decided { out.decision = .personal }
                decided = true
            case .owner:
                sawOwner = true
                if kw == PIIContext.wode || kw == PIIContext.my || kw == PIIContext.benren { sawSelf = true }
            case .firstPerson:
                sawSelf = true
            }
            d += kw.count
        }
        return out
    }

    /// The context after the number ending at `last`.
    static func after(_ chars: [Unicode.Scalar], _ last: Int) -> After {
        var p = last + 1
        while p < chars.count, chars[p] == " " || chars[p] == "\u{3000}" { p += 1 }
        guard p < chars.count else { return After() }
        // 13812345678是我们公司的客服手机号
        if chars[p] == "是" || chars[p] == "为" || chars[p] == "為" {
            let rest = Array(chars[(p + 1)..<min(chars.count, p + 6)])
            for w in companyAfter where rest.count >= w.count {
                for k in 0...(rest.count - w.count) where Array(rest[k..<(k + w.count)]) == w { return After(company: true) }
            }
        }
        let next: Unicode.Scalar? = p + 1 < chars.count ? chars[p + 1] : nil
        switch chars[p] {
        case "元", "块", "万", "亿", "千", "百", "角", "毛", "圆", "%", "％", "‰":
            return After(amount: true)
        case "w", "W", "k", "K":
            // 10w, 5k; not the first letter of a word (13812345678 when you can).
            if next.map({ !PIIDetector.isASCIILetter($0) }) ?? true { return After(amount: true) }
        case "美", "港", "欧", "英", "日", "韩", "歐", "韓":
            // 美元, 美金, 港币, 日元, 英镑…; 日 alone is a date's day: neither is a number a person
            // owns. Not the first character of another word (138…美团也用, 138…日常都开着).
            if let n = next, "元币幣金刀镑鎊圆圓".unicodeScalars.contains(n) { return After(amount: true) }
            if chars[p] == "日", next.map({ !($0.value >= 0x4E00 && $0.value <= 0x9FFF) }) ?? true { return After(amount: true) }
        default:
            break
        }
        var word: [Unicode.Scalar] = []
        while p < chars.count, PIIDetector.isASCIILetter(chars[p]), word.count < 8 { word.append(lower(chars[p])); p += 1 }
        let s = String(String.UnicodeScalarView(word))
        return After(amount: ["yuan", "rmb", "dollars", "dollar", "usd", "bucks", "cny", "eur"].contains(s))
    }

    /// Whether the context makes a classified number public or no personal data at all.
    static func lowers(_ b: Before, after: After?, kind: PIIKind, groups: [PIIDetector.Group], chars: [Unicode.Scalar]) -> Bool {
        if after?.amount ?? false { return true }
        if after?.company ?? false, kind == .mobile || kind == .landline || kind == .phone { return true }
        if b.example { return true }
        if b.decision == .lower { return true }
        if b.company, kind == .mobile || kind == .landline || kind == .phone { return true }
        // 13,800,000,000: thousands written as an amount.
        if groups.count >= 2, (1...3).contains(groups[0].value.count),
           groups.dropFirst().allSatisfy({ $0.value.count == 3 && $0.gapBefore.count == 1 && ($0.gapBefore[0] == "," || $0.gapBefore[0] == "，") }) {
            return true
        }
        return false
    }
}

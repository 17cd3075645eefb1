//! Generates a realistic call-notes CSV for benchmarking `hegui audit`.
//!
//! ```sh
//! cargo run --release --example gen-callnotes -- --size 100M --out /tmp/calls.csv
//! ```
//!
//! The file has the default header of `hegui audit` and records sorted by
//! call time, one day after another (about 50,000 calls a day). Mostly
//! compliant agent notes and short labelled transcripts (some spanning
//! several lines in a quoted field); a few per cent carry a text violation,
//! about 2% are night calls, some debtors get more than three connected calls
//! a day and some numbers more than six unanswered attempts, and calls to
//! contacts (配偶, 父母, 同事, …) sometimes mention the debt. Deterministic:
//! the same `--seed` and `--size` give the same bytes.

use std::io::{BufWriter, Write};

/// Calls per simulated day.
const CALLS_PER_DAY: usize = 50_000;

const COMPLIANT: &[&str] = &[
    "客户表示本周五发工资后还款{amt}元，已提醒按时还款。",
    "已告知客户当前账单金额及还款方式，客户称会尽快处理。",
    "客户称近期资金紧张，申请分期，已记录并告知需提交申请材料。",
    "与客户核实身份后提醒其账单已逾期{days}天，客户承诺{day}前还清。",
    "客户情绪平稳，表示已通过APP还款{amt}元，待系统入账后核实。",
    "客户对罚息有异议，已解释计算方式并提供客服热线400-820-1234。",
    "告知客户可在APP内查看还款计划，客户表示知悉。",
    "客户要求提供还款凭证，已登记并承诺三个工作日内回复。",
    "客户本人接听，确认欠款金额无误，约定{day}还款{amt}元。",
    "提醒客户保持良好信用记录，客户表示理解并配合。",
    "客户称已联系银行调整还款日，已备注待核实。",
    "客户暂时无法还款，已告知逾期可能产生的罚息和征信影响，客户表示会筹款。",
];

const TRANSCRIPTS: &[&str] = &[
    "坐席：您好，请问是{name}先生吗？\n客户：是我。\n坐席：您的账单已逾期{days}天，请问什么时候方便还款？\n客户：下周一吧。\n坐席：好的，已为您登记，谢谢。",
    "坐席：您好，这里是某某银行信用卡中心。\n客户：什么事？\n坐席：提醒您本期账单{amt}元尚未还款。\n客户：知道了，明天还。",
];

const CONTACT_OK: &[&str] = &[
    "联系人接听，已请其转告{name}回电，未透露具体事由。",
    "坐席：您好，请问{name}在吗？\n联系人：他不在，我是他{rel}。\n坐席：麻烦您转告他回个电话，谢谢。",
    "联系人称与{name}已无联系，已致歉并结束通话。",
];

const CONTACT_DISCLOSE: &[&str] = &[
    "告知其{rel}{name}借款已逾期{days}天，请其督促还款。",
    "坐席：您好，我找{name}。\n联系人：我是他{rel}。\n坐席：他在我们这儿的借款逾期三个月了，您劝劝他。",
];

const VIOLATIONS: &[&str] = &[
    "你再不还钱，小心你家里人出点什么事。",
    "不还钱就等着坐牢吧，明天公安上门抓你。",
    "我是法院的，你的案子已经立案了。",
    "你这个老赖，真不要脸。",
    "再不还就把你的欠款信息发到你们公司群里。",
    "今晚十一点给你打电话，打到你接为止。",
];

const RELATIONS: &[&str] = &["配偶", "父母", "同事", "紧急联系人", "朋友", "兄弟姐妹"];
const SURNAMES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇"];

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 10_000.0 < percent
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

struct Call {
    minute: u32,
    second: u32,
    debtor: usize,
    connected: bool,
    relation: &'static str,
    text: String,
}

fn fill(rng: &mut Rng, template: &str, relation: &str) -> String {
    let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
    template
        .replace("{name}", &name)
        .replace("{rel}", relation)
        .replace("{amt}", &(500 + rng.below(20_000)).to_string())
        .replace("{days}", &(3 + rng.below(120)).to_string())
        .replace("{day}", ["周一", "周三", "周五", "月底"][rng.below(4)])
}

/// A call minute: mostly 08:00–21:59, about 2% in the quiet hours.
fn minute(rng: &mut Rng) -> u32 {
    if rng.chance(2.0) {
        let m = rng.below(10 * 60) as u32; // 22:00–07:59
        (22 * 60 + m) % (24 * 60)
    } else {
        8 * 60 + rng.below(14 * 60) as u32
    }
}

fn day_calls(rng: &mut Rng, day: usize) -> Vec<Call> {
    let mut calls = Vec::with_capacity(CALLS_PER_DAY + 64);
    let debtors = 30_000;
    while calls.len() < CALLS_PER_DAY {
        let debtor = day * 7919 % 1_000_000 + rng.below(debtors);
        let roll = rng.below(1000);
        if roll < 3 {
            // A debtor called and reached 4–5 times in a day.
            for _ in 0..4 + rng.below(2) {
                calls.push(call(rng, debtor, true, "本人"));
            }
        } else if roll < 6 {
            // A number tried 7–8 times without an answer.
            for _ in 0..7 + rng.below(2) {
                calls.push(call(rng, debtor, false, "本人"));
            }
        } else if roll < 150 {
            let relation = rng.pick(RELATIONS);
            let connected = rng.chance(60.0);
            calls.push(call(rng, debtor, connected, relation));
        } else {
            let connected = rng.chance(55.0);
            calls.push(call(rng, debtor, connected, "本人"));
        }
    }
    calls.sort_by_key(|c| (c.minute, c.second));
    calls
}

fn call(rng: &mut Rng, debtor: usize, connected: bool, relation: &'static str) -> Call {
    let text = if !connected {
        [
            "无人接听。",
            "关机。",
            "占线，稍后再拨。",
            "未接通，已发送还款提醒短信。",
        ][rng.below(4)]
        .to_string()
    } else if relation != "本人" {
        let list = if rng.chance(8.0) {
            CONTACT_DISCLOSE
        } else {
            CONTACT_OK
        };
        let t = rng.pick(list);
        fill(rng, t, relation)
    } else if rng.chance(3.0) {
        let template = rng.pick(COMPLIANT);
        let mut t = fill(rng, template, relation);
        t.push_str(rng.pick(VIOLATIONS));
        t
    } else if rng.chance(15.0) {
        let t = rng.pick(TRANSCRIPTS);
        fill(rng, t, relation)
    } else {
        let t = rng.pick(COMPLIANT);
        fill(rng, t, relation)
    };
    Call {
        minute: minute(rng),
        second: rng.below(60) as u32,
        debtor,
        connected,
        relation,
        text,
    }
}

fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let n: u64 = number.parse().ok()?;
    let unit = match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return None,
    };
    Some(n * unit)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn main() -> std::io::Result<()> {
    let mut size = 1u64 << 20;
    let mut out_path = None;
    let mut seed = 42u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--size" => {
                size = args
                    .next()
                    .and_then(|s| parse_size(&s))
                    .expect("--size N[K|M|G]")
            }
            "--out" => out_path = args.next(),
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N"),
            _ => {
                eprintln!("usage: gen-callnotes --size 100M --out FILE [--seed N]");
                std::process::exit(2);
            }
        }
    }
    let out_path = out_path.expect("--out FILE");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out_path)?);
    let header = "id,text,agent_id,debtor_id,call_time,phone,relation,connected\n";
    out.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut id = 0u64;
    let mut day = 0;
    'days: loop {
        // 2026-01-01 plus `day` days, kept simple: 28-day months.
        let date = format!("2026-{:02}-{:02}", 1 + (day / 28) % 12, 1 + day % 28);
        for c in day_calls(&mut rng, day) {
            id += 1;
            let phone = format!(
                "1{}{:09}",
                3 + c.debtor % 7,
                (c.debtor * 7_654_321 + c.relation.len()) % 1_000_000_000
            );
            let line = format!(
                "R{id:09},{},A{:04},D{:07},{date} {:02}:{:02}:{:02},{phone},{},{}\n",
                csv_field(&c.text),
                rng.below(400),
                c.debtor,
                c.minute / 60,
                c.minute % 60,
                c.second,
                c.relation,
                u8::from(c.connected),
            );
            out.write_all(line.as_bytes())?;
            written += line.len() as u64;
            if written >= size {
                break 'days;
            }
        }
        day += 1;
    }
    out.flush()?;
    eprintln!("wrote {id} records, {written} bytes to {out_path}");
    Ok(())
}

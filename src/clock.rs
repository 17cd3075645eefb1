//! Times of day: clock times, quiet hours, and the stamp that opens a line
//! of a call log or visit note (`2024-03-11 22:47`, `次日 01:30`,
//! `15:10—19:40`).
//!
//! The audit reads call times from metadata columns; the document model
//! reads them from the text of a log. Both judge them against the same
//! [`QuietHours`].

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// A minute of the day, 0..1440.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub u16);

impl ClockTime {
    /// Parses `HH:MM` (00:00–24:00).
    pub fn parse(text: &str) -> Option<ClockTime> {
        let (h, m) = text.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(ClockTime(h * 60 + m))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// Quiet hours: `[start, end)`, wrapping past midnight when `end <= start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    /// First quiet minute.
    pub start: ClockTime,
    /// First minute after the quiet hours.
    pub end: ClockTime,
}

impl QuietHours {
    /// Parses `HH:MM-HH:MM`.
    pub fn parse(text: &str) -> Option<QuietHours> {
        let (start, end) = text.split_once('-')?;
        Some(QuietHours {
            start: ClockTime::parse(start)?,
            end: ClockTime::parse(end)?,
        })
    }

    /// Whether minute-of-day `minute` falls in the quiet hours.
    pub fn contains(self, minute: u16) -> bool {
        let (s, e) = (self.start.0, self.end.0);
        if s < e {
            (s..e).contains(&minute)
        } else if s > e {
            minute >= s || minute < e
        } else {
            false
        }
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// The stamp opening a log entry: its date, if written, and its clock
/// times (one, or the two ends of a range such as `15:10—19:40`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The date as written (month and day), if any.
    pub date: Option<(u8, u8)>,
    /// The first clock time, if any.
    pub start: Option<ClockTime>,
    /// The end of a time range, if any.
    pub end: Option<ClockTime>,
}

/// A date or a clock time opening a line, after an optional short prefix
/// (`次日`, `D4`, `【通话小结】`, `1.`, `2 |`, a row number before a column
/// gap, `第二次外访`), possibly in square brackets after a message number:
/// `22:47`, `2024-03-11 | 22:47`, `03/09`, `7/5`, `11-02 23:40`, `4.16`,
/// `10:00—16:30`, `[2024-09-03 23:52:17]`, `[留言9 2023-08-09 22:35]`,
/// `3月9日 07时40分`, `3 月 15 日 22:30`, `23点58分` (an hour past noon
/// or before ten, so that it cannot be a spoken afternoon hour), and the
/// compact `0612 2240`
/// of hand-kept logs (month and day, hour and minute, four digits each,
/// the year optionally before them: `20240405 2330`).
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*[|｜]?\s*
        (?:(?:【[^】\d]{1,8}】|\d{1,3}(?:\s*[|｜.、)）]|[\ \t]{2,}|\t)|[一二三四五六七八九十]{1,3}\s*[、.．]|[-*•·]
             |(?:次日|当日|当天|今日|今天|昨日|昨天|隔日|翌日|[A-Za-z]{1,2}\d{0,2}
                |第\s*[\d一二三四五六七八九十]{1,3}\s*[天日通次条](?:外访|上门|拜访|走访|联系|致电|通话|催收)?)[：:，,]?)\s*)?
        [\[［]?(?:(?:留言|录音|语音|消息|短信|通话)\s*\d{1,4}\s+)?
        (?:(?:20\d{2})?(?P<cmonth>0[1-9]|1[0-2])(?P<cday>[0-3]\d)\s+(?P<ch>[01]\d|2[0-3])(?P<cmin>[0-5]\d)(?:\s|$)
           |(?:\d{4}(?:[-/.]|\s*年\s*))?(?P<month>\d{1,2})(?:[-/.]|\s*月\s*)(?P<day>\d{1,2})(?:\s*日|[-/.](?:20)?\d{2}(?:\d{2})?\b,?)?
             (?:\s*[|｜]?\s*(?P<h0>[01]?\d|2[0-4])(?:[:：]|时)(?P<m0>[0-5]\d)分?(?::[0-5]\d)?(?:\s*(?P<ampm>[AaPp][Mm])\b)?
               |\s*(?P<p0>凌晨|半夜|深夜|夜里|夜间|晚上|晚间|傍晚|清晨|早上|早晨|上午|中午|下午)?\s*
                (?P<s0>[012]?\d|[一二两三四五六七八九十]{1,3})点(?P<half0>半)?(?:(?P<sm0>[0-5]?\d)分?)?)?
           |(?P<h1>[01]?\d|2[0-4])(?:[:：]|时)(?P<m1>[0-5]\d)分?
           |(?P<h3>0\d|1[3-9]|2[0-3])点(?P<m3>[0-5]\d)分
           |(?P<p1>凌晨|半夜|深夜|夜里|夜间|晚上|晚间|傍晚|清晨|早上|早晨|上午|中午|下午)\s*
                (?P<s1>[012]?\d|[一二两三四五六七八九十]{1,3})点(?P<half1>半)?(?:(?P<sm1>[0-5]?\d)分?)?)
        (?:[:：][0-5]\d)?[\]］]?
        (?:\s*[-—–~～至到]+\s*(?:次日|翌日|凌晨|第二天)?\s*(?P<h2>[01]?\d|2[0-4])[:：](?P<m2>[0-5]\d))?",
    )
    .expect("stamp pattern is valid")
});

/// A date and clock time, or a clock time, anywhere in a text: the time
/// in a chat label (`东哥-资产部 2024/07/03 01:05：`).
static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:\d{4}[-/.年])?(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})(?:日|[-/.](?:\d{4}|\d{2}),?)?\s*)?(?P<h1>[01]?\d|2[0-3])(?:[:：]|时)(?P<m1>[0-5]\d)",
    )
    .expect("date-time pattern is valid")
});

/// The time field of a call record's header (`通话ID 7731925  坐席工号 2231
/// 时间 2024-05-11 23:05`), followed by its date and time.
static TIME_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s|｜,，;；])(?:通话|呼叫|拨打|外呼|来电|去电|录音|开始)?时间\s*[：:]?\s*")
        .expect("time-field pattern is valid")
});

/// An enumeration of clock times opening a log entry: `10:01、10:03、10:05`.
static LISTED_TIMES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:(?:[01]?\d|2[0-3])[:：][0-5]\d\s*[、,，/]\s*)+(?:[01]?\d|2[0-3])[:：][0-5]\d",
    )
    .expect("listed-times pattern is valid")
});

/// The clock times opening the parts of an entry that records several
/// attempts one after another: `14:02 拨打本人未接；14:05 再拨未接`.
static ENTRY_TIMES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[；;])\s*((?:[01]?\d|2[0-3])[:：][0-5]\d)")
        .expect("entry-times pattern is valid")
});

/// A count of calls to one person in a log entry: `拨打本人11次`, `连拨
/// 6 通`; not a team's tally (`常规外呼 42 通`).
static CALL_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:拨打|致电|呼叫|外呼|呼出|拨|打)了?给?(?:其本人|本人|借款人|债务人|该客户|客户|其|他|她|对方)|连拨|连打|连续拨打|连续呼叫|重复拨打|反复拨打)[^，。；！？\d]{0,6}?(\d{1,3})\s*(?:次|通|遍)",
    )
    .expect("call-count pattern is valid")
});

/// A clock time as a log writes it, with an ASCII or a full-width colon
/// (`10:01`, `10：01`).
fn written_clock(text: &str) -> Option<ClockTime> {
    ClockTime::parse(&text.replace('：', ":"))
}

/// At most this many attempts are read from one entry's count.
const MAX_COUNTED: usize = 100;

impl Stamp {
    /// The times of the contact attempts that the log entry `text`, with
    /// this stamp, records: each time it lists (`10:01、10:03、10:05
    /// 连续拨打借款人`), each time opening one of its parts (`14:02 拨打本人
    /// 未接；14:05 再拨未接`), a counted number spread over its range
    /// (`14:02-14:16 拨打本人11次`), or its one start time.
    pub fn attempt_times(self, text: &str) -> Vec<ClockTime> {
        if let Some(list) = LISTED_TIMES.find(text) {
            return list
                .as_str()
                .split(['、', ',', '，', '/'])
                .filter_map(written_clock)
                .collect();
        }
        let parts: Vec<ClockTime> = ENTRY_TIMES
            .captures_iter(text)
            .filter_map(|caps| written_clock(&caps[1]))
            .collect();
        if parts.len() >= 2 {
            return parts;
        }
        let Some(start) = self.start else {
            return Vec::new();
        };
        let count = CALL_COUNT
            .captures(text)
            .and_then(|caps| caps[1].parse::<usize>().ok())
            .filter(|&n| n >= 2);
        match (self.end, count) {
            (Some(end), Some(n)) if end.0 >= start.0 => {
                let n = n.min(MAX_COUNTED);
                let span = usize::from(end.0 - start.0);
                (0..n)
                    .map(|k| ClockTime(start.0 + (span * k / (n - 1)) as u16))
                    .collect()
            }
            _ => vec![start],
        }
    }

    /// The stamp opening `text`, if it opens with a date or a clock time.
    pub fn parse(text: &str) -> Option<Stamp> {
        Stamp::from_captures(&STAMP.captures(text)?)
    }

    /// The stamp of a log entry: the one opening it, that of a delimited
    /// record's cell ([`Stamp::in_record`]), or the date and time of a
    /// record header's time field ([`Stamp::in_time_field`]). A date alone
    /// opening the entry gives way to a clock time found in the record
    /// (`2024-06-02,3:05,本人,未接`).
    pub fn of_entry(text: &str) -> Option<Stamp> {
        let opening = Stamp::parse(text);
        if opening.is_some_and(|s| s.start.is_some()) {
            return opening;
        }
        Stamp::in_record(text)
            .or_else(|| Stamp::in_time_field(text))
            .or(opening)
    }

    /// The date and time after a time field (`… 时间 2024-05-11 23:05`):
    /// the time of the call whose record the line heads.
    pub fn in_time_field(text: &str) -> Option<Stamp> {
        TIME_FIELD
            .find_iter(text)
            .filter_map(|field| Stamp::parse(&text[field.end()..]))
            .find(|stamp| stamp.date.is_some() && stamp.start.is_some())
    }

    /// The stamp of a delimited record (a CSV, tab-separated or Markdown
    /// table export of a call log pasted as text): the first of its cells
    /// that holds nothing but a date with a clock time, as in
    /// `BJ0631,马俊,2025-07-05 22:14:37,本人,0,未接通` or `陈伟 | 5月8日 23:40 |
    /// 客户住所`, or a date cell followed by a clock-time cell
    /// (`2024-03-15,22:47,BD017,…`).
    pub fn in_record(text: &str) -> Option<Stamp> {
        let separator = [',', '\t', '|', '｜']
            .into_iter()
            .find(|&c| text.matches(c).count() >= 3)?;
        // A cell of nothing but a date and a time, in digits or with 年月日,
        // perhaps with a 12-hour clock's AM or PM.
        let is_stamp_cell = |cell: &str| {
            let stamp = cell
                .trim_end_matches(['A', 'P', 'M', 'a', 'p', 'm'])
                .trim_end();
            !stamp.is_empty()
                && stamp
                    .chars()
                    .all(|c| c.is_ascii_digit() || "-/.:： T年月日时点分".contains(c))
        };
        let has_clock = |cell: &str| cell.contains([':', '：']);
        let cells: Vec<&str> = text
            .split(separator)
            .map(|cell| cell.trim().trim_matches('"'))
            .collect();
        cells
            .iter()
            .enumerate()
            .filter(|&(_, cell)| is_stamp_cell(cell))
            .filter_map(|(i, cell)| {
                if has_clock(cell) {
                    return Stamp::parse(cell);
                }
                // A date cell takes its clock time from the next cell.
                let next = cells
                    .get(i + 1)
                    .filter(|n| is_stamp_cell(n) && has_clock(n))?;
                Stamp::parse(&format!("{cell} {next}"))
            })
            // A clock time alone may be a duration column (`01:40`).
            .find(|stamp| stamp.date.is_some() && stamp.start.is_some())
    }

    /// The first clock time in `text`, with the date before it if any: the
    /// stamp of a chat message, found in its label.
    pub fn find(text: &str) -> Option<Stamp> {
        Stamp::from_captures(&DATE_TIME.captures(text)?)
    }

    /// Like [`Stamp::find`], but only a clock time written with a date
    /// (valid or not, so that the answer depends on the shape of the text
    /// and not on its digits): a time alone before a speaker label may be
    /// an offset into a recording (`[00:01:12] 坐席：`).
    pub fn find_dated(text: &str) -> Option<Stamp> {
        let caps = DATE_TIME.captures(text)?;
        caps.name("month")?;
        Stamp::from_captures(&caps)
    }

    fn from_captures(caps: &regex::Captures<'_>) -> Option<Stamp> {
        let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u16>().ok());
        let clock = |h: &str, m: &str| match (number(h), number(m)) {
            (Some(h), Some(m)) if h < 24 || (h == 24 && m == 0) => Some(ClockTime(h % 24 * 60 + m)),
            _ => None,
        };
        let date = match (
            number("month").or_else(|| number("cmonth")),
            number("day").or_else(|| number("cday")),
        ) {
            (Some(m @ 1..=12), Some(d @ 1..=31)) => Some((m as u8, d as u8)),
            // Day first, as chat apps export it: "14/03/2024, 23:05".
            (Some(d @ 13..=31), Some(m @ 1..=12)) => Some((m as u8, d as u8)),
            _ => None,
        };
        let spoken = |p: &str, h: &str, half: &str, m: &str| {
            let hour = spoken_hour(caps.name(p).map(|m| m.as_str()), caps.name(h)?.as_str())?;
            let minute = if caps.name(half).is_some() {
                30
            } else {
                number(m).unwrap_or(0)
            };
            Some(ClockTime(hour * 60 + minute))
        };
        // "7:41 AM", "11:26 PM", "12:05 AM" as English exports write them.
        let twelve_hour = |t: ClockTime| match caps.name("ampm").map(|m| m.as_str()) {
            Some(p) if p.eq_ignore_ascii_case("pm") && t.0 < 12 * 60 => ClockTime(t.0 + 12 * 60),
            Some(p) if p.eq_ignore_ascii_case("am") && t.0 >= 12 * 60 && t.0 < 13 * 60 => {
                ClockTime(t.0 - 12 * 60)
            }
            _ => t,
        };
        let start = clock("h0", "m0")
            .map(twelve_hour)
            .or_else(|| clock("h1", "m1"))
            .or_else(|| clock("h3", "m3"))
            .or_else(|| clock("ch", "cmin"))
            .or_else(|| spoken("p0", "s0", "half0", "sm0"))
            .or_else(|| spoken("p1", "s1", "half1", "sm1"));
        let stamp = Stamp {
            date,
            start,
            end: clock("h2", "m2"),
        };
        (stamp.date.is_some() || stamp.start.is_some()).then_some(stamp)
    }

    /// Whether a clock time of the stamp (either end of a range) falls in
    /// `quiet`.
    pub fn in_quiet_hours(self, quiet: QuietHours) -> bool {
        [self.start, self.end]
            .into_iter()
            .flatten()
            .any(|t| quiet.contains(t.0))
    }
}

/// The hour of day of a spoken time: `period` (晚上, 凌晨 …) and the hour
/// as digits or Chinese numerals (`11`, `十一`); `晚上11点` is 23:00,
/// `凌晨1点` 01:00, `夜里12点` midnight.
fn spoken_hour(period: Option<&str>, hour: &str) -> Option<u16> {
    let hour = match hour.parse::<u16>() {
        Ok(h) => h,
        Err(_) => chinese_number(hour)?,
    };
    if hour > 24 {
        return None;
    }
    let afternoon = matches!(
        period,
        Some("下午" | "晚上" | "晚间" | "傍晚" | "夜里" | "夜间" | "深夜")
    );
    Some(match hour {
        12 | 24 if afternoon || matches!(period, Some("半夜" | "凌晨")) => 0,
        // 夜里两点, 深夜三点: small hours, not afternoon ones.
        1..=5 if matches!(period, Some("夜里" | "夜间" | "深夜")) => hour,
        1..=11 if afternoon => hour + 12,
        _ => hour % 24,
    })
}

/// A number from one to ninety-nine written in Chinese numerals.
fn chinese_number(text: &str) -> Option<u16> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u16)
            .or((c == '两').then_some(2))
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_wrap_past_midnight() {
        let quiet = QuietHours::parse("22:00-08:00").unwrap();
        assert!(!quiet.contains(21 * 60 + 59));
        assert!(quiet.contains(22 * 60));
        assert!(quiet.contains(0));
        assert!(quiet.contains(7 * 60 + 59));
        assert!(!quiet.contains(8 * 60));
        let day = QuietHours::parse("12:00-13:00").unwrap();
        assert!(day.contains(12 * 60 + 30) && !day.contains(13 * 60));
        assert!(QuietHours::parse("25:00-08:00").is_none());
    }

    fn clock(text: &str) -> Option<ClockTime> {
        ClockTime::parse(text)
    }

    #[test]
    fn stamps_open_log_lines() {
        let cases = [
            ("22:47 拨打本人", None, "22:47", None),
            (
                "2024-03-11 | 22:47 | 138****2201 | 本人 | 未接",
                Some((3, 11)),
                "22:47",
                None,
            ),
            ("11-02 23:40 拨打本人，未接通", Some((11, 2)), "23:40", None),
            ("20240405 2330 call out 客户", Some((4, 5)), "23:30", None),
            ("3 月 15 日 22:30 再次上门", Some((3, 15)), "22:30", None),
            (
                "[留言9 2023-08-09 22:35] 于先生 你",
                Some((8, 9)),
                "22:35",
                None,
            ),
            ("23点58分拨打联系人刘某电话", None, "23:58", None),
            ("次日 01:30 债务人报警", None, "01:30", None),
            ("3     08:35  本人手机    拒接   0s", None, "08:35", None),
            ("六、22:45 马某妻子开门", None, "22:45", None),
            (
                "D4 11:06–11:40 连拨本人 14 次",
                None,
                "11:06",
                Some("11:40"),
            ),
            (
                "【通话小结】2024-05-10 23:20 再次致电客户本人",
                Some((5, 10)),
                "23:20",
                None,
            ),
            (
                "2 | 2024-09-01 22:05 | 本人 | 0s | 未接",
                Some((9, 1)),
                "22:05",
                None,
            ),
            ("1. 10:05 客户欧阳磊", None, "10:05", None),
            (
                "15:10—19:40 在客户门口持续等候",
                None,
                "15:10",
                Some("19:40"),
            ),
            ("2024-11-03 05:48:02 未接通", Some((11, 3)), "05:48", None),
            (
                "3月23日 23时18分 呼出 本人 无人接听",
                Some((3, 23)),
                "23:18",
                None,
            ),
            ("07时40分 呼出 本人", None, "07:40", None),
            (
                "[2024-09-03 23:52:17] 【处置中心】请回电",
                Some((9, 3)),
                "23:52",
                None,
            ),
            ("第二次外访 2024-01-17（周三）", Some((1, 17)), "", None),
            ("0612 2240 拨本人 未接", Some((6, 12)), "22:40", None),
            (
                "| 2024-03-11 | 22:47 | 本人 |",
                Some((3, 11)),
                "22:47",
                None,
            ),
        ];
        for (text, date, start, end) in cases {
            let stamp = Stamp::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(stamp.date, date, "{text}");
            assert_eq!(stamp.start, clock(start), "{text}");
            assert_eq!(stamp.end, end.and_then(clock), "{text}");
        }
        for (text, start) in [
            ("7/3 晚上11点 拨打本人", "23:00"),
            ("3月18日 凌晨一点半 再次敲门", "01:30"),
            ("深夜两点 连拨本人 5 次", "02:00"),
            ("晚上十二点 到其楼下", "00:00"),
            ("下午3点20分 致电其单位", "15:20"),
            ("20:30–次日 01:10 在客户门口等候", "20:30"),
        ] {
            let stamp = Stamp::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(stamp.start, clock(start), "{text}");
        }
        assert_eq!(
            Stamp::parse("20:30–次日 01:10 在客户门口等候").unwrap().end,
            clock("01:10")
        );
        let dated = Stamp::parse("7/3 下午打给其弟弟").unwrap();
        assert_eq!((dated.date, dated.start), (Some((7, 3)), None));
        let dated = Stamp::parse("4.16 未还款，再打本人").unwrap();
        assert_eq!(dated.date, Some((4, 16)));
        for text in [
            "客户称 22:00 以后不要打",
            "外呼总量 6,842 通",
            "第三方联系 214 通",
            "",
            "2024年是关键一年",
            "3点建议",
            "3点15分回电",
            "1234 5678 是卡号",
            "0612 22400 元",
        ] {
            assert!(Stamp::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn an_entry_may_record_several_attempts() {
        let times = |text: &str| Stamp::parse(text).unwrap().attempt_times(text);
        let at = |t: &str| clock(t).unwrap();
        assert_eq!(
            times("10:01、10:03、10:05 连续拨打借款人，均被挂断。"),
            [at("10:01"), at("10:03"), at("10:05")]
        );
        assert_eq!(times("22:47 拨打本人"), [at("22:47")]);
        assert_eq!(
            times("14:02-14:16 拨打本人3次，均被挂断"),
            [at("14:02"), at("14:09"), at("14:16")]
        );
        // A count without a range, a range without a count, or a team's
        // tally, is one entry.
        assert_eq!(times("09:00-11:30 常规外呼 42 通，接通 17"), [at("09:00")]);
        assert_eq!(times("14:02 拨打本人3次"), [at("14:02")]);
        assert_eq!(
            times("14:02 拨打本人未接；14:05 再拨未接；14:07 再拨未接"),
            [at("14:02"), at("14:05"), at("14:07")]
        );
        assert_eq!(times("09:00-18:00 在单位门口等候"), [at("09:00")]);
    }

    #[test]
    fn records_carry_stamps_in_a_cell() {
        let stamp = Stamp::in_record("BJ0631,马俊,2025-07-05 22:14:37,本人,0,未接通,7120").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((7, 5)), clock("22:14")));
        let stamp = Stamp::in_record("C1\tA3\t186****4410\t2025/3/4 06:15\t未接通").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((3, 4)), clock("06:15")));
        let stamp = Stamp::in_record("2024-03-15,22:47,BD017,本人,138****2201,0,未接,").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((3, 15)), clock("22:47")));
        let stamp =
            Stamp::in_record("1 | 139****0012 | 父亲 | 2024-08-05 22:01 | 成功 | 【通知】…")
                .unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((8, 5)), clock("22:01")));
        let stamp = Stamp::in_record("C-012,07/02/2024 11:26 PM,ZQ-115,本人,0,未接通,").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((7, 2)), clock("23:26")));
        let stamp = Stamp::in_record("C-013,07/02/2024 12:05 AM,ZQ-115,本人,0,未接通,").unwrap();
        assert_eq!(stamp.start, clock("00:05"));
        let stamp = Stamp::in_record("陈伟 | 5月8日 23:40 | 客户住所 | 在门口等候").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((5, 8)), clock("23:40")));
        let stamp =
            Stamp::in_record(r#""M-5503","2024-07-10 22:35","本人","SMS","【某某】请还款。""#)
                .unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((7, 10)), clock("22:35")));
        for text in [
            "案件号,借款人,拨打时间,被叫对象,时长(秒),结果",
            "您好，请问是张先生吗，我们22:00以后不会再打扰，谢谢，再见",
            "C1,A3,0,00:00,未接",
            "C1,0,2024-03-15,张三,未接",
            "a,b",
        ] {
            assert!(Stamp::in_record(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_record_opening_with_its_date_takes_the_time_of_its_next_cell() {
        let stamp = Stamp::of_entry("2024-06-02,3:05,蒋某,配偶,1,接通").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((6, 2)), clock("03:05")));
        let stamp = Stamp::of_entry("2024-06-02 拨打本人，未接").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((6, 2)), None));
    }

    #[test]
    fn record_headers_carry_stamps_in_their_time_field() {
        let stamp =
            Stamp::of_entry("通话ID 7731925  坐席工号 2231  时间 2024-05-11 23:05").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((5, 11)), clock("23:05")));
        assert!(Stamp::of_entry("约定还款时间 2024-05-12 23:00").is_none());
        assert!(Stamp::of_entry("通话时间：10:14").is_none());
    }

    #[test]
    fn chat_labels_carry_stamps() {
        let stamp = Stamp::find("东哥-资产部 2024/07/03 01:05").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((7, 3)), clock("01:05")));
        let stamp = Stamp::find("阿强 15:02").unwrap();
        assert_eq!((stamp.date, stamp.start), (None, clock("15:02")));
        assert!(Stamp::find("催收小王 2 号").is_none());
        let stamp = Stamp::find("[14/03/2024, 23:05] 追數職員 Kelvin").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((3, 14)), clock("23:05")));
        let stamp = Stamp::find("[10/4/24 23:41] 財務公司 Kelvin").unwrap();
        assert_eq!((stamp.date, stamp.start), (Some((10, 4)), clock("23:41")));
    }

    #[test]
    fn a_range_ending_in_the_night_is_in_quiet_hours() {
        let quiet = QuietHours::parse("22:00-08:00").unwrap();
        let stamp = |t| Stamp::parse(t).unwrap();
        assert!(stamp("20:00—23:30 在门口等候").in_quiet_hours(quiet));
        assert!(stamp("06:55 接通").in_quiet_hours(quiet));
        assert!(!stamp("12:00—16:30 在学校门口等候").in_quiet_hours(quiet));
        assert!(!stamp("7/3 下午打给其弟弟").in_quiet_hours(quiet));
    }
}

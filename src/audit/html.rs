//! The audit's HTML report: one self-contained file.
//!
//! Inline CSS and inline SVG bar charts, no script, no font, no image and no
//! URL of any kind, so the report opens on an air-gapped review machine
//! exactly as it does anywhere else. Charts: findings per rule and per
//! category, top agents, findings and calls by hour of day (quiet hours
//! marked), metadata-rule violations. Then record accounting per file, the
//! first errors, and a random sample of findings with the matched text
//! highlighted. Every excerpt is already masked unless `--no-redact` was given.

use std::fmt::Write;

use super::summary::{SampleFinding, Summary};
use crate::clock::QuietHours;
use crate::finding::Category;

/// Errors listed in the report (all are in `summary.json`'s first 1000).
const ERRORS_SHOWN: usize = 100;

/// Renders the report for `summary`.
pub fn render(summary: &Summary, quiet: QuietHours) -> String {
    let mut html = String::with_capacity(64 * 1024);
    let t = &summary.totals;
    html.push_str(HEAD);
    let _ = write!(
        html,
        "<h1>夜间质检报告（hegui audit）</h1>\n<p class=\"meta\">规则配置：{} · 静默时段 {} · 每日接通上限 {} 次 · 同号码每日未接通上限 {} 次 · {}</p>\n",
        esc(&summary.profile.name),
        esc(&summary.profile.quiet_hours),
        summary.profile.max_connected_per_day,
        summary.profile.max_unanswered_per_number_per_day,
        if summary.redacted {
            "手机号、身份证号、银行卡号已脱敏"
        } else {
            "未脱敏（--no-redact）"
        }
    );
    html.push_str("<div class=\"cards\">");
    for (label, value) in [
        ("读取记录", t.read),
        ("已检查", t.checked),
        ("跳过", t.skipped),
        ("失败", t.failed),
        ("问题", t.findings),
        ("文件", t.files),
    ] {
        let _ = write!(
            html,
            "<div class=\"card\"><b>{value}</b><span>{label}</span></div>"
        );
    }
    html.push_str("</div>\n");

    let rules: Vec<(String, u64)> = summary
        .by_rule
        .iter()
        .map(|r| (format!("{} {}", r.rule, r.title), r.findings))
        .collect();
    section(&mut html, "按规则统计", &hbar("chart-rules", &rules));
    let categories: Vec<(String, u64)> = summary
        .by_category
        .iter()
        .map(|(name, &n)| {
            let label = name
                .parse::<Category>()
                .map_or_else(|_| name.to_string(), |c| format!("{} {name}", c.label_zh()));
            (label, n)
        })
        .collect();
    section(
        &mut html,
        "按类别统计",
        &hbar("chart-categories", &categories),
    );
    let agents: Vec<(String, u64)> = summary
        .top_agents
        .iter()
        .map(|a| (a.agent.clone(), a.findings))
        .collect();
    section(&mut html, "问题最多的坐席", &hbar("chart-agents", &agents));
    section(
        &mut html,
        "按通话时段统计问题（红色为静默时段）",
        &hours("chart-hours", &summary.findings_by_hour, quiet),
    );
    section(
        &mut html,
        "按通话时段统计通话量（红色为静默时段）",
        &hours("chart-calls", &summary.calls_by_hour, quiet),
    );
    let m = &summary.metadata;
    let meta = vec![
        ("静默时段致电".to_string(), m.quiet_hours),
        ("单日接通次数超限".to_string(), m.connected_calls),
        ("单日未接通呼叫超限".to_string(), m.unanswered_attempts),
        ("向联系人透露欠款".to_string(), m.contact_disclosure),
    ];
    section(
        &mut html,
        "静默时段与频次违规",
        &hbar("chart-metadata", &meta),
    );

    accounting(&mut html, summary);
    errors(&mut html, summary);
    sample(&mut html, &summary.sample.items);
    html.push_str("</body>\n</html>\n");
    html
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hegui 夜间质检报告</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#666}.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{background:#f4f6f8;border-radius:6px;padding:.6em 1em;min-width:7em}.card b{display:block;font-size:1.5em}.card span{color:#555}
svg.chart{display:block;max-width:100%;height:auto}svg text{font-size:12px;fill:#333}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.n{text-align:right}mark{background:#ffd54f;padding:0 1px}
.sev-error{color:#b71c1c;font-weight:bold}.sev-warning{color:#e65100}.sev-info{color:#555}.empty{color:#888}
</style>
</head>
<body>
"#;

fn section(html: &mut String, title: &str, body: &str) {
    let _ = write!(html, "<h2>{title}</h2>\n{body}\n");
}

/// A horizontal bar chart, one bar per `(label, value)`.
fn hbar(id: &str, rows: &[(String, u64)]) -> String {
    if rows.is_empty() {
        return format!("<p class=\"empty\" id=\"{id}\">（无数据）</p>");
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (320.0, 560.0, 22.0);
    let height = rows.len() as f64 * row_h + 10.0;
    let mut svg = format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\" role=\"img\">",
        w = label_w + bar_w + 80.0
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (*value as f64 / max as f64) * bar_w;
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"#1976d2\"><title>{label}: {value}</title></rect><text x=\"{vx:.1}\" y=\"{ty}\">{value}</text>",
            lx = label_w - 6.0,
            ty = y + 14.0,
            h = row_h - 6.0,
            label = esc(&truncate(label, 28)),
            vx = label_w + w + 4.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A 24-bar chart by hour of day; bars in the quiet hours are red.
fn hours(id: &str, counts: &[u64; 24], quiet: QuietHours) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (bar, gap, plot_h) = (30.0, 6.0, 160.0);
    let width = 24.0 * (bar + gap) + 40.0;
    let mut svg = format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {width} {h}\" width=\"{width}\" height=\"{h}\" role=\"img\">",
        h = plot_h + 40.0
    );
    for (hour, &value) in counts.iter().enumerate() {
        let x = 20.0 + hour as f64 * (bar + gap);
        let h = value as f64 / max as f64 * plot_h;
        let y = 15.0 + plot_h - h;
        let quiet_hour = (0..60).any(|m| quiet.contains((hour * 60 + m) as u16));
        let fill = if quiet_hour { "#d32f2f" } else { "#1976d2" };
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{y:.1}\" width=\"{bar}\" height=\"{h:.1}\" fill=\"{fill}\"><title>{hour:02}:00 {value}</title></rect><text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\">{hour}</text>",
            cx = x + bar / 2.0,
            ly = plot_h + 32.0,
        );
        if value > 0 {
            let _ = write!(
                svg,
                "<text x=\"{cx}\" y=\"{vy:.1}\" text-anchor=\"middle\">{value}</text>",
                cx = x + bar / 2.0,
                vy = y - 2.0,
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn accounting(html: &mut String, summary: &Summary) {
    html.push_str("<h2>记录核算（读取 = 检查 + 跳过 + 失败）</h2>\n<table id=\"accounting\"><tr><th>文件</th><th>格式</th><th>读取</th><th>检查</th><th>跳过</th><th>失败</th><th>问题</th><th>说明</th></tr>\n");
    for f in &summary.files {
        let mut note = f.error.clone().unwrap_or_default();
        if !f.missing_columns.is_empty() {
            if !note.is_empty() {
                note.push('；');
            }
            note.push_str(&format!("缺少列：{}", f.missing_columns.join(", ")));
        }
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&f.path),
            f.format,
            f.read,
            f.checked,
            f.skipped,
            f.failed,
            f.findings,
            esc(&note)
        );
    }
    html.push_str("</table>\n");
    if summary.frequency_out_of_window > 0 {
        let _ = writeln!(
            html,
            "<p>{} 次通话时间早于频次计数窗口（输入未按时间排序），未计入频次规则。</p>",
            summary.frequency_out_of_window
        );
    }
}

fn errors(html: &mut String, summary: &Summary) {
    if summary.errors.is_empty() {
        return;
    }
    let _ = writeln!(
        html,
        "<h2>失败记录（前 {} 条，共 {} 条）</h2>\n<table id=\"errors\"><tr><th>文件</th><th>行</th><th>类型</th><th>说明</th></tr>",
        summary.errors.len().min(ERRORS_SHOWN),
        summary.totals.failed
    );
    for e in summary.errors.iter().take(ERRORS_SHOWN) {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.path),
            e.row,
            e.kind.as_str(),
            esc(&e.message)
        );
    }
    html.push_str("</table>\n");
}

fn sample(html: &mut String, items: &[SampleFinding]) {
    let _ = writeln!(
        html,
        "<h2>抽样复核（随机 {} 条）</h2>\n<table id=\"sample\"><tr><th>位置</th><th>记录</th><th>坐席</th><th>时间</th><th>规则</th><th>说明</th><th>摘录</th></tr>",
        items.len()
    );
    for item in items {
        let excerpt = match &item.highlight {
            Some(span)
                if span.start <= span.end
                    && span.end <= item.excerpt.len()
                    && item.excerpt.is_char_boundary(span.start)
                    && item.excerpt.is_char_boundary(span.end) =>
            {
                format!(
                    "{}<mark>{}</mark>{}",
                    esc(&item.excerpt[..span.start]),
                    esc(&item.excerpt[span.clone()]),
                    esc(&item.excerpt[span.end..])
                )
            }
            _ => esc(&item.excerpt),
        };
        let _ = writeln!(
            html,
            "<tr><td>{}:{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"sev-{}\">{} {}</td><td>{}</td><td>{}</td></tr>",
            esc(&item.path),
            item.row,
            esc(&item.record),
            esc(&item.agent),
            esc(&item.time),
            item.severity,
            esc(&item.rule),
            esc(&item.title),
            esc(&item.message),
            excerpt
        );
    }
    html.push_str("</table>\n");
}

fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn hour_chart_marks_quiet_hours() {
        let quiet = QuietHours::parse("22:00-08:00").unwrap();
        let mut counts = [0; 24];
        counts[23] = 5;
        counts[12] = 2;
        let svg = hours("h", &counts, quiet);
        assert_eq!(svg.matches("#d32f2f").count(), 10);
        assert!(svg.contains("<title>23:00 5</title>"));
    }
}

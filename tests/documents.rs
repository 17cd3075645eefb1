//! The document model, end to end: the same violating sentence is or is
//! not a finding depending on what the document does with it
//! (GUIDELINES.md, "Documents: whose words, and are they prescribed?").
//! Each test names the fact it checks; the texts are our own.

use hegui::document::{Frame, Genre};
use hegui::engine::Checker;
use hegui::finding::{Category, Finding};
use hegui::rules::RuleSet;
use hegui::source::SourceFile;

fn check(text: &str) -> Vec<Finding> {
    checker().check(&SourceFile::new("t.txt", text.to_string(), "UTF-8"))
}

fn checker() -> &'static Checker {
    static CHECKER: std::sync::OnceLock<Checker> = std::sync::OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(RuleSet::builtin()))
}

/// Asserts that exactly `expected` lines of `text` have a finding of
/// `category`, printing every finding when they do not.
fn assert_lines(text: &str, category: Category, expected: &[usize]) {
    let findings = check(text);
    assert_eq!(lines(&findings, category), expected, "{findings:#?}");
}

/// The lines with a finding of `category`.
fn lines(findings: &[Finding], category: Category) -> Vec<usize> {
    let mut lines: Vec<usize> = findings
        .iter()
        .filter(|f| f.rule.category == category)
        .map(|f| f.start.line)
        .collect();
    lines.dedup();
    lines
}

#[test]
fn a_sentence_wrapped_across_pdf_lines_is_found_where_it_starts() {
    let text = "第三讲 身份的包装\n\n\
        实践中，客户对“催收公司”几个字普遍抵触，接通以后往往直接挂断，承诺率\n\n\
        也偏低。坐席在开场的时候可以自称是区人民法院执行局的工作人员，客户会更\n\n\
        配合一些，这个说法只在电话里用，不要写进短信或者任何书面的材料里面去。\n\n\
        第 7 页 共 20 页\n";
    assert_lines(text, Category::Impersonation, &[5]);
}

#[test]
fn a_violation_split_over_two_lines_is_one_sentence() {
    let text = "催收技巧汇编\n\n\
        二、对于拒不配合的客户，可以直接告诉他：“你这已经属于恶意逃债了，警察\n\n\
        下周就上门，再拖下去就直接送你去坐牢，你家里人也跑不掉。”这招\n\n\
        对有资产的客户特别有效，新人务必要熟练掌握，通话时语气也要坚定有力。\n";
    let findings = check(text);
    assert!(
        lines(&findings, Category::FalseClaim).contains(&3),
        "{findings:#?}"
    );
}

#[test]
fn examples_under_a_forbidden_heading_are_not_findings() {
    let text = "## 标准话术\n您好，我是安信银行信用卡中心的专员，工号 1024。\n\
        ## 禁用语（以下说法一律不得使用）\n我是法院执行局的，你的案子已经立案了。\n不还钱就让你去坐牢。\n";
    assert!(check(text).is_empty(), "{:#?}", check(text));
    // The same lines under an ordinary heading are findings.
    let prescribed = text.replace("禁用语（以下说法一律不得使用）", "强化话术");
    let findings = check(&prescribed);
    assert!(!lines(&findings, Category::Impersonation).is_empty());
    assert!(!lines(&findings, Category::FalseClaim).is_empty());
}

#[test]
fn a_line_marked_wrong_or_quoted_to_forbid_is_no_finding() {
    let text = "合规考试判断题\n1. 可以对客户说“不还钱就让你去坐牢”。（×）\n\
        2. 通话中不得说“我是法院的”之类的话。\n3. 可以如实告知逾期将报送征信。（√）\n";
    assert!(check(text).is_empty(), "{:#?}", check(text));
}

#[test]
fn a_table_column_headed_as_forbidden_holds_no_findings() {
    let text = "| 场景 | 错误说法（禁止） | 正确说法 |\n|---|---|---|\n\
        | 身份介绍 | “我是法院执行局的” | “我是安信银行的专员，工号 1024” |\n\
        | 告知后果 | “不还就抓你去坐牢” | “协商不成，我司可能依法起诉” |\n";
    assert!(check(text).is_empty(), "{:#?}", check(text));
}

#[test]
fn a_complaint_that_quotes_a_collector_is_no_finding() {
    let text = "投诉：催收人员冒充法院恐吓我\n\
        上周对方打电话说“我是法院执行局的，不还钱就让你去坐牢”，还说要去我单位。\n\
        我要求平台核查并书面道歉。\n";
    assert!(check(text).is_empty(), "{:#?}", check(text));
    let source = SourceFile::new("t.txt", text.to_string(), "UTF-8");
    assert_eq!(checker().trace(&source, None).genre, Genre::Report);
    // Read as a script, the same words are findings.
    assert!(!checker().check_as(&source, Some(Genre::Script)).is_empty());
}

#[test]
fn an_inline_dialogue_is_split_into_turns_and_only_the_agent_is_judged() {
    let text = "催收话术大全\n\
        遇到不配合的可以这样说-客服：你好，请问是张先生吗？客户：是，我没钱，你们再打我就报警。\
        客服：报警也没用，我是区法院执行局的，你的案子已经立案了。\n";
    let findings = check(text);
    assert_eq!(lines(&findings, Category::Impersonation), [2]);
    let line = text.lines().nth(1).expect("line 2");
    let column = line[..line.rfind("客服：").expect("turn")].chars().count();
    assert!(
        findings.iter().all(|f| f.start.column > column),
        "the finding lies in the agent's last turn: {findings:#?}"
    );
}

#[test]
fn legend_labels_and_spaced_asr_labels_name_the_speakers() {
    let legend = "【录音转写】坐席=说话人0 客户=说话人1\n\
        说话人0：喂 你好 是 王 强 吧 我 这边 是 那个 市 中 院 执 行 局 的 你 那个 欠款 要 处理 了\n\
        说话人1：我 不 认 识 你 我 也 是 法 院 的\n";
    assert_eq!(lines(&check(legend), Category::Impersonation), [2]);
    let spaced = "坐 席 ： 你 好 我 是 区 法 院 执 行 局 的 你 那 个 欠 款 要 处 理 了\n\
        客 户 ： 我 是 法 院 的 你 信 不 信\n";
    assert_eq!(lines(&check(spaced), Category::Impersonation), [1]);
}

#[test]
fn chat_speakers_without_labels_are_told_apart_by_what_they_say() {
    let text = "微信聊天记录\n\
        小周 2024/03/08 15:10：你那笔欠款今天必须还，再不还我们就上你家去。\n\
        阿杰 2024/03/08 15:20：你们再发消息我就报警，我是法院的你信不信。\n\
        小周 2024/03/08 15:22：你名下的借款已经逾期 60 天了，我们是法院执行局的。\n";
    assert_lines(text, Category::Impersonation, &[4]);
}

#[test]
fn impersonation_needs_no_debt_word_in_a_collection_document() {
    let text = "坐席：您好，请问是李明先生吗？\n客户：是我，什么事？\n\
        坐席：我这边是城关派出所的，有个情况要跟你核实一下。\n\
        坐席：你在我们平台的借款已经逾期三个月了。\n";
    assert!(lines(&check(text), Category::Impersonation).contains(&3));
    // In a conversation without any collection talk, the same claim is
    // someone's real job.
    let chat = "坐席：我这边是城关派出所的，有个情况要跟你核实一下。\n客户：好的，什么情况？\n";
    assert!(lines(&check(chat), Category::Impersonation).is_empty());
    // A sentence checked on its own that speaks to someone is read as said
    // to a debtor: collection context is presumed.
    let alone = "坐席：我这边是城关派出所的，有个情况要跟你核实一下。\n";
    assert_eq!(lines(&check(alone), Category::Impersonation), vec![1]);
}

#[test]
fn findings_say_how_the_document_was_read() {
    let text = "坐席：你好，是张伟吗？\n客户：是我。\n坐席：我是区法院执行局的，你的欠款案子今天必须处理。\n";
    let finding = check(text)
        .into_iter()
        .find(|f| f.rule.category == Category::Impersonation)
        .expect("a finding");
    let context = finding.context.expect("a context");
    assert_eq!(context.genre, Genre::Transcript);
    assert_eq!(context.frame, Frame::Performed);
}

#[test]
fn page_furniture_and_suppression_comments_are_not_text() {
    let text = "培训讲义\n\n对于长期失联的客户，可以安排外访人员到其户籍地走访，在村口\n\n\
        第 3 页 共 9 页\n\n和单元门张贴催收公告，形成舆论压力，促使其尽快出面还款了结。\n\n\
        外访人员必须两人同行，全程录音录像，不得与客户发生任何肢体上\n\n\
        的冲突，也不得在走访中向邻居透露客户的任何借款信息。\n\n\
        <!-- hegui: allow-file HG-N001 讲义不是话术模板 -->\n";
    let findings = check(text);
    assert!(
        lines(&findings, Category::Harassment).contains(&3),
        "{findings:#?}"
    );
}

#[test]
fn a_logged_contact_at_night_is_harassment_on_its_row() {
    let text = "外呼记录｜借款人 赵某\n\
        日期 | 时间 | 对象 | 结果\n\
        2024-03-11 | 09:12 | 本人 | 未接 | —\n\
        2024-03-11 | 22:47 | 本人 | 未接 | 晚间补拨\n\
        2024-03-12 | 00:30 | 本人 | 接通 | 客户称明天还款\n\
        2024-03-12 | 10:20 | 本人 | 接通 | 客户确认周五还款\n\
        2024-03-12 | 23:10 | 本人 | 主动来电 | 客户主动来电询问还款渠道\n";
    assert_lines(text, Category::Harassment, &[4, 5]);
}

#[test]
fn the_third_attempt_within_half_an_hour_is_harassment() {
    let text = "自动外呼日志｜借款人 钱某\n\
        14:02 呼出 未接通\n\
        14:04 呼出 未接通\n\
        14:06 致电其单位前台，请转告回电\n\
        14:09 呼出 被挂断\n\
        16:30 呼出 未接通\n";
    // The call to the employer is counted apart from the debtor's.
    assert_lines(text, Category::Harassment, &[5]);
}

#[test]
fn a_collector_message_sent_at_night_is_harassment() {
    let text = "微信聊天导出｜“小周-贷后” ↔ “孙某”\n\
        小周-贷后 2024/03/09 21:50：在吗？今天的还款什么时候到账？\n\
        孙某 2024/03/09 23:58：明天发工资就还\n\
        小周-贷后 2024/03/10 00:13：欠款今天必须处理。\n";
    assert_lines(text, Category::Harassment, &[4]);
}

#[test]
fn a_night_message_is_harassment_whatever_it_says() {
    // The stamp before the name is the message's time, and a message with
    // no collection word is still a contact.
    let text = "聊天记录\n\
        2024/05/02 20:10 老周-催收部：周先生，这个月的钱什么时候到？\n\
        2024/05/02 20:30 周某：下周吧\n\
        2024/05/03 02:40 老周-催收部：睡了吗？\n\
        2024/05/03 02:41 老周-催收部：起来聊聊。\n\
        2024/05/03 09:10 周某：你半夜发什么消息\n";
    assert_lines(text, Category::Harassment, &[4, 5]);
}

#[test]
fn bills_and_cards_in_reviews_make_no_collection_document() {
    // A hotel bill or a credit card is no debt being collected: the lines
    // around it are still ordinary reviews.
    let text = "退房时账单算错了，信用卡多刷了两百，前台道歉后退回。\n\
        晚上朋友找我，总机一直不转，他连续拨打了七八次才接通。\n\
        后来他进了看守所，结局让人唏嘘。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn call_notes_kept_in_english_are_contacts() {
    // Outbound calls logged as "OB call" are contact attempts like "拨打".
    let text = "Case#A-1 | Debtor: 王某 | DPD 30\n\
        03/02 10:15 OB call self, NA\n\
        03/02 23:20 OB call self, RPC, PTP 03/05\n\
        03/03 09:40 IB call from cust, paid\n";
    assert_lines(text, Category::Harassment, &[3]);
}

#[test]
fn call_durations_are_not_chat_times() {
    // "接通 00:00:06" is a result and its duration, not a speaker and a time.
    let text = "呼叫记录导出｜被叫：借款人\n\
        2024-11-03 05:48:02 未接通\n\
        2024-11-03 05:51:40 接通 00:00:06\n\
        2024-11-03 10:15:33 接通 00:02:41\n";
    assert_lines(text, Category::Harassment, &[2, 3]);
}

#[test]
fn a_collector_posting_in_a_group_chat_tells_everyone_in_it() {
    let text = "群聊：“郑凯家人群”（群主：贷后-小林）\n\
        小林 20:01：各位好，拉大家进来是因为郑凯在我们这边借款 9,200 元，已经逾期两个月。\n\
        郑凯姑姑 20:05：我们又不知道这事，你找他本人去。\n\
        小林 20:07：他电话一直不接，你们谁见到他让他把钱还上。\n\
        郑凯 20:10：你把我家人拉进来干什么！\n\
        小林 20:12：那你今天给个还款时间。\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[2, 4, 6]);
}

#[test]
fn a_private_chat_with_the_debtor_discloses_nothing() {
    let text = "聊天记录：郑凯（借款人）\n\
        小林 20:01：郑先生您好，您在我们这边的借款 9,200 元已经逾期两个月。\n\
        郑凯 20:05：知道了，月底发工资还。\n\
        小林 20:07：好的，麻烦您今天先给个还款时间。\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[]);
}

#[test]
fn a_chat_export_with_clock_times_before_names_is_a_chat() {
    // One collector answering several people once each; the times are
    // wall-clock times, so the last post is a night contact.
    let text = "[19:40] 贷后阿伟：周女士，今天的还款还没到账。\n\
        [19:45] 周女士：明天一定还。\n\
        [19:46] 周女士老公：你们别老发了。\n\
        [19:50] 贷后阿伟：那就明天中午前，逾期费用每天都在涨。\n\
        [23:58] 贷后阿伟：在吗？钱准备好了没有？\n";
    assert_lines(text, Category::Harassment, &[5]);
}

#[test]
fn recording_offsets_before_labels_are_no_clock_times() {
    let text = "[00:05] 坐席：您好，这里是安和消费金融。\n\
        [00:09] 客户：嗯，什么事？\n\
        [00:14] 坐席：您的账单已经逾期 5 天，麻烦今天处理一下。\n";
    assert_lines(text, Category::Harassment, &[]);
}

#[test]
fn the_steps_of_one_visit_are_no_repeated_calls_but_count_at_night() {
    let text = "外访记录 外访员：秦川\n\
        19:05 到达借款人住址，敲门无人应答。\n\
        19:15 在门口等候。\n\
        19:30 再次敲门，借款人开门，说明来意后约定月底还款。\n\
        晚上11点 再次上门，在楼下等候借款人。\n";
    assert_lines(text, Category::Harassment, &[5]);
}

#[test]
fn calls_to_the_debtor_minutes_apart_are_repeated_calls() {
    let text = "外呼记录 借款人：汪某 逾期 40 天\n\
        10:01 拨打本人，未接。\n\
        10:03 拨打本人，未接。\n\
        10:05 拨打本人，未接。\n\
        10:08 拨打其母亲，请其转告回电。\n";
    assert_lines(text, Category::Harassment, &[4]);
}

#[test]
fn situation_labels_in_a_script_are_no_debtor_speaking() {
    let text = "【逾期 M1 话术】\n\
        开场：您好，我是安和消费金融的专员，工号 A1024。\n\
        客户拒绝：那我们只能天天晚上十二点给你打，打到你还为止。\n\
        施压：再不还，我们就去你单位找你领导说说你欠钱的事。\n";
    let findings = check(text);
    assert_eq!(lines(&findings, Category::Harassment), [3], "{findings:#?}");
    assert_eq!(
        lines(&findings, Category::ThirdPartyDisclosure),
        [4],
        "{findings:#?}"
    );
}

#[test]
fn every_stamped_entry_of_a_message_log_is_a_contact() {
    let text = "催收短信发送记录（坐席个人号 139****0011）\n\
        05-02 14:10 周先生，您的借款已逾期 9 天，请尽快登录 APP 还款。\n\
        05-03 06:50 周先生，今天还款日，请处理一下。\n";
    assert_lines(text, Category::Harassment, &[3]);
}

#[test]
fn a_qa_report_quotes_violations_but_prescribes_its_recommendations() {
    let text = "贷后质检报告（第12周）\n\
        抽检录音：坐席说“你儿子在哪个学校我们都知道”，属于违规，扣10分。\n\
        改进建议：对拖延的客户可以提一句“你儿子在哪个学校我们这边都有记录”，效果明显。\n";
    assert_lines(text, Category::Threat, &[3]);
}

#[test]
fn one_mention_of_the_debt_makes_a_short_call_a_collection_call() {
    // Without the debt word, a collector's talk of the debtor's car and of
    // watching out would be small talk; one 逾期 in the call makes it a threat.
    let call = "坐席：周先生您好，您的分期已经逾期二十天了。\n\
        客户：知道了，过几天。\n\
        坐席：好的。\n\
        客户：还有事吗？\n\
        坐席：有。\n\
        客户：说。\n\
        坐席：嗯。\n\
        客户：嗯。\n\
        坐席：嗯。\n\
        客户：嗯。\n\
        坐席：嗯。\n\
        坐席：您那辆白色轿车还停在小区东门那个车位吧？最近晚上不太平，您多留个心眼。\n";
    assert_lines(call, Category::Threat, &[12]);
    let chat = call.replacen("您的分期已经逾期二十天了", "周末的聚会改到六点了", 1);
    assert_lines(&chat, Category::Threat, &[]);
}

#[test]
fn a_single_stamped_contact_entry_is_a_log_of_one_entry() {
    assert_lines(
        "23:40 致电借款人本人，未接，继续拨打。\n",
        Category::Harassment,
        &[1],
    );
    assert_lines(
        "22:30 微信语音呼叫借款人，未接。\n",
        Category::Harassment,
        &[1],
    );
    assert_lines(
        "14:10 致电借款人本人，承诺明天还款。\n",
        Category::Harassment,
        &[],
    );
}

#[test]
fn a_line_that_opens_by_calling_a_door_guard_is_said_to_a_third_party() {
    assert_lines(
        "门卫师傅，302那户欠我们钱一直不还，见着他让他联系我。\n",
        Category::ThirdPartyDisclosure,
        &[1],
    );
    assert_lines(
        "您好，您这笔欠款一直没还，见着您家人也请转告一声回电。\n",
        Category::ThirdPartyDisclosure,
        &[],
    );
}

#[test]
fn news_of_a_collection_gang_reports_what_it_did() {
    let text = "催收团伙冒充“清欠办”半夜连环打电话被查\n\
        本报讯（记者 王某）近日，某区公安分局破获一起暴力催收案件。\n\
        经查，该团伙以“市清欠办公室”名义向借款人发短信，称其“三日内将被拘留”。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_debtor_exported_chat_names_the_collector_by_a_display_name_with_spaces() {
    // "我" is whoever exported the chat; the other name, with a space in
    // it, is the collector, whose night messages are harassment.
    let text = "微信聊天记录｜与「速借 贷后 小吴」的聊天\n\
        2024-08-02 15:10 速借 贷后 小吴：您好，我是速借贷后的小吴，您的账单已逾期 12 天。\n\
        2024-08-02 15:20 我：这个月手头紧，能不能下个月还？\n\
        2024-08-02 23:40 速借 贷后 小吴：还没睡吧？钱到底什么时候还？\n\
        2024-08-02 23:45 我：大半夜的别发了，我明天就去投诉。\n";
    assert_lines(text, Category::Harassment, &[4]);
}

#[test]
fn a_prohibition_wrapped_into_its_lead_in_keeps_the_list_forbidden() {
    // "严禁" ends one wrapped line and "出现以下行为：" the next: one
    // sentence, not a new heading that would prescribe the list.
    let text = "第三章 外访中的禁止性行为\n\n\
        本章适用于全体外访人员。外访须两人同行，全程录音录像。\n\
        3.1 依据公司催收管理制度及行业自律公约的相关要求，外访人员在上门时严禁\n\
        出现以下行为：\n\n\
        （1）以暴力相威胁，例如对借款人说“不还钱就让你一家都不得安宁”等\n\
        表述；\n\
        （2）冒充司法人员，例如自称“我们是法院派来执行的工作人员”或者其\n\
        他身份；\n\
        （3）向邻居或物业透露欠款信息，例如在楼道里大声说“302欠钱不还”；\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn an_faq_question_poses_the_debtors_words() {
    let text = "催收新人培训 · 异议处理 FAQ\n\
        Q1：客户问“欠钱不还会不会坐牢？”\n\
        A：如实说明逾期属于民事纠纷，会产生罚息并影响征信。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_call_length_in_a_header_is_no_time_of_day() {
    let text = "【ASR 转写】通话编号 5521｜时长 03:12｜说话人1=外呼，说话人2=被叫\n\
        说话人1：喂 您好 请问是张先生吗\n\
        说话人2：是我 什么事\n";
    assert_lines(text, Category::Harassment, &[]);
}

#[test]
fn a_dated_call_in_an_export_of_recordings_is_timed() {
    // One call a line, each opening with its date and time: the call at
    // 23:05 is a night contact, the ones by day are not; times into a
    // recording ("[00:23:10]") carry no date and time no call.
    let text = "通话录音导出（每行一通电话）\n\
        2024-06-04 10:12｜坐席:您好请问是李女士吗 客户:是的 坐席:您的账单已逾期 5 天请今天处理\n\
        2024-06-04 23:05｜坐席:喂是王强吗 客户:这么晚了干嘛 坐席:白天不接只能晚上打了\n\
        2024-06-05 09:30｜坐席:您好是赵先生吗 客户:是我 坐席:您本月应还 800 元已逾期\n";
    assert_lines(text, Category::Harassment, &[3]);
    let recording = "通话转写\n\
        [00:23:10] 坐席：您好，请问是李女士吗？\n\
        [00:23:15] 客户：是我，什么事？\n\
        [00:23:20] 坐席：您的账单已逾期 5 天，请今天处理。\n";
    assert_lines(recording, Category::Harassment, &[]);
}

#[test]
fn a_report_section_that_recommends_prescribes_its_lines() {
    let text = "催收三组质检周报\n\
        一、扣分项\n\
        1. 坐席 B03 向客户同事透露“他欠了我们三万”，属第三方披露，扣 30 分。\n\
        二、优秀话术推荐（全员学习）\n\
        1. “您要是再不处理，我们只能联系您单位领导，让单位出面协调了。”\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[5]);
}

#[test]
fn the_caller_who_asks_whom_they_reached_is_the_collector() {
    // Neither label says who is who; the side that calls and names the
    // debt is the collector's, even when it says "你们单位".
    let text = "甲：您好，是宏远物流人事部吗？\n\
        乙：对，请讲。\n\
        甲：我是受银行委托的，找你们单位的员工周某。\n\
        乙：员工信息我们不对外提供。\n\
        甲：他欠银行信用卡五万多，逾期大半年了。\n\
        乙：这是他个人的事情。\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[5]);
}

#[test]
fn a_hand_kept_log_with_compact_stamps_times_its_calls() {
    let text = "案件 QD-0612 催记\n\
        0612 0915 拨本人 关机\n\
        0612 0920 拨紧联-妻 接通 请其转告回电\n\
        0612 0925 妻称已转告 已挂断\n\
        0612 2240 拨本人 未接\n";
    assert_lines(text, Category::Harassment, &[5]);
}

#[test]
fn a_call_log_aligned_with_spaces_times_and_counts_its_calls() {
    // The rows name whom was called ("本人"), not who speaks; the third
    // call within half an hour and the call at 22:47 are harassment.
    let text = "日期        时间    拨打对象    结果\n\
        2024-03-11  09:12   本人        未接      —\n\
        2024-03-11  09:14   本人        未接      —\n\
        2024-03-11  09:15   本人        拒接      —\n\
        2024-03-11  15:40   本人        接通      承诺明天处理\n\
        2024-03-11  22:47   本人        未接      —\n";
    assert_lines(text, Category::Harassment, &[4, 6]);
    let numbered = "序号  时间   号码        结果   时长\n\
        1     08:31  本人手机    未接   0s\n\
        2     08:33  本人手机    未接   0s\n\
        3     08:35  本人手机    拒接   0s\n\
        4     12:30  本人手机    接通   300s\n";
    assert_lines(numbered, Category::Harassment, &[4]);
}

#[test]
fn what_happens_while_visitors_stay_at_night_is_a_night_contact() {
    // The signature at 01:30 is given with the visitors in the room; their
    // leaving is no contact, and a note the next morning is not part of
    // the visit.
    let text = "外访记录\n\
        21:50 到达借款人住所，借款人妻子开门。\n\
        23:10 外访员继续在客厅等候借款人。\n\
        01:30 借款人签署还款承诺书。\n\
        01:40 离开。\n\
        09:30 系统登记承诺金额。\n";
    assert_lines(text, Category::Harassment, &[3, 4]);
}

#[test]
fn dated_messages_before_a_sender_or_under_a_call_header_are_timed() {
    // A chat export with day-first dates, an SMS log with the sender in
    // brackets, and a call record's header field: each time of day counts.
    let chat = "[14/03/2024, 15:05] 追數職員 Kelvin：陳生，你啲數拖咗三個月喇。\n\
        [14/03/2024, 15:20] 陳生：聽日先講。\n\
        [15/03/2024, 00:15] 追數職員 Kelvin：陳生，今日之內還五千。\n";
    assert_lines(chat, Category::Harassment, &[3]);
    let sms = "短信发送明细\n\
        2024-09-15 10:02  【宜人分期】您的账单已逾期15天，请尽快还款。\n\
        2024-09-15 22:40  【宜人分期】您的还款日期已过，请尽快还款。\n";
    assert_lines(sms, Category::Harassment, &[3]);
    let calls = "通话ID 7731921  坐席工号 2231  时间 2024-05-11 10:31\n\
        客服：您好，您的账单已逾期12天。客户：我明天还。\n\
        通话ID 7731925  坐席工号 2231  时间 2024-05-11 23:05\n\
        客服：您好，您的账单已逾期12天。客户：这么晚了。\n";
    assert_lines(calls, Category::Harassment, &[3]);
}

#[test]
fn a_lettered_dialogue_is_no_faq_and_an_action_on_the_debtor_is_no_speaker() {
    // "A：" answers "Q：" in an FAQ but speaks to "B：" here; "告知本人：" in
    // a call note is what the collector told the debtor.
    let text = "说明：A 为催收员，B 为借款人，C 为借款人配偶\n\
        A：你让你老婆接电话。\n\
        C：你们找他什么事？\n\
        A：你老公欠了十一万多，让他赶紧还。\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[4]);
    let note = "10-08 10:20 拨打本人，未接。\n\
        10-08 14:05 告知本人：再不还清，会通知他老家村里用大喇叭广播他欠钱的事。\n";
    assert_lines(note, Category::ThirdPartyDisclosure, &[2]);
}

#[test]
fn a_rule_that_bans_what_it_lists_forbids_its_items() {
    let text = "第三章 作业规范\n\
        第十四条 严禁以下行为：\n\
        （一）使用侮辱性语言，如“老赖”“不要脸”“废物”等；\n\
        （二）虚假陈述法律后果，如“不还就坐牢”“冻结全部银行卡”；\n\
        第十五条 联系紧急联系人时，仅可请其转告借款人回电。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_template_turned_down_in_review_is_no_finding() {
    let text = "短信模板审核记录\n\
        模板编号 SMS-01（已通过）：【融e借】您的账单已逾期，请尽快还款。\n\
        模板编号 SMS-02（已驳回，不得发送）：【融e借】你已涉嫌诈骗，公安已介入，请立即还款。\n";
    assert_lines(text, Category::FalseClaim, &[]);
}

#[test]
fn a_debtors_forum_thread_reports_what_collectors_did() {
    let text = "标题：被催收搞到崩溃，大家帮我看看怎么办\n\
        楼主：夜猫子2017\n\
        逾期两个月，催收每天打我二三十个电话，半夜一两点都打。\n\
        昨天他们把我欠钱的截图发到了我们公司群，现在全公司都知道了。\n\
        最过分的是有个人自称“经侦大队的李警官”，说已经给我立案了。\n\
        1楼 回复：别慌，经侦不会打电话催债的，那是冒充，直接录音报警。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_count_of_calls_in_a_markdown_call_log_is_harassment() {
    // The cell "连拨21次" counts calls to the debtor of this log, whose
    // other cells name the debt: collection context is the document's.
    let text = "| 时间 | 号码类型 | 结果 | 备注 |\n\
        |---|---|---|---|\n\
        | 11-02 10:15 | 本人 | 接通 | 承诺11-05还款 |\n\
        | 11-06 09:25 | 本人 | 拒接 | 9:25-9:55 连拨21次 |\n";
    assert_lines(text, Category::Harassment, &[4]);
}

#[test]
fn a_sentence_alone_under_a_collectors_label_is_collection_talk() {
    // No debt word, but a collector says it: the veiled accident is a threat.
    let text = "坐席：最近出门多注意点，路上车多，万一出点什么意外谁也说不准。\n";
    assert_lines(text, Category::Threat, &[1]);
    // The same words from anyone else are advice.
    let text = "最近出门多注意点，路上车多。\n";
    assert_lines(text, Category::Threat, &[]);
}

#[test]
fn a_table_header_row_is_no_reporting_title() {
    let text = "日期        时间     对象        方式    内容摘要\n\
        05-20      10:05    本人        电话    提醒还款\n\
        05-20      23:55    本人        电话    未接\n\
        05-21      09:20    本人        电话    协商分期\n";
    assert_lines(text, Category::Harassment, &[3]);
}

#[test]
fn a_notice_posted_in_a_stairwell_tells_everyone_who_passes() {
    let text = "（外访员张贴于其所住单元楼道的通知）\n\
        催缴通知\n\
        本楼住户王某拖欠网络借款 3 万元，经多次催收拒不履行。\n";
    let findings = check(text);
    assert!(
        lines(&findings, Category::ThirdPartyDisclosure).contains(&3),
        "{findings:#?}"
    );
}

#[test]
fn in_the_collectors_own_chat_every_speaker_is_a_collector() {
    // Names without a side word in a team's work chat are colleagues: what
    // they report doing is performed, and their messages at night reach
    // no debtor.
    let text = "催收三组工作群 聊天记录\n\
        2023-09-18 09:02 刘组长：今天分案 186 户，下午三点前每人报一次进度。\n\
        2023-09-19 09:40 小谭：她老公的号码在联系人里，我发条短信告诉他，他老婆在外面借了两万不还。\n\
        2023-09-19 23:10 小谭：收到，明天九点前报进度。\n";
    let findings = check(text);
    assert_eq!(
        lines(&findings, Category::ThirdPartyDisclosure),
        [3],
        "{findings:#?}"
    );
    assert_eq!(
        lines(&findings, Category::Harassment),
        [0usize; 0],
        "{findings:#?}"
    );
}

#[test]
fn a_bracketed_team_name_titles_the_collectors_chat() {
    // "小杨" has no side word; under a team's name he is a colleague, and
    // what he reports saying is performed.
    let text = "【华东二组】群聊记录 2024-05-02\n\
        08:55 组长-老王：今天先查昨天的承诺还款。\n\
        09:01 小杨：收到。\n\
        09:23 小杨：我跟他说我是区法院执行局的，他马上就答应还了。\n";
    assert_lines(text, Category::Impersonation, &[4]);
}

#[test]
fn numbered_comments_under_a_post_name_their_authors() {
    // The collector's account comments under the debtor's post, which
    // everyone reads; the debtor's own comment is no finding.
    let text = "微博用户 @阿梅今天也开心 发布：周末去海边玩（评论 12）\n\
        评论1 @催收小助手：出去玩有钱，欠平台的三万什么时候还？\n\
        评论2 @阿梅今天也开心：我在和平台协商了，请不要在这里说。\n\
        评论3 @催收小助手：她单位的同事都来看看，她欠钱不还半年了。\n";
    let findings = check(text);
    let disclosed = lines(&findings, Category::ThirdPartyDisclosure);
    assert!(disclosed.contains(&4), "{findings:#?}");
    assert!(!disclosed.contains(&3), "{findings:#?}");
}

#[test]
fn a_line_labelled_as_news_or_a_complaint_reports_what_it_tells() {
    for text in [
        "报道：某催收公司员工在借款人家门口泼油漆、贴大字报，被判处有期徒刑。\n",
        "黑猫投诉：平台催收员一天给我打了六十多个电话，还说要上门。\n",
    ] {
        assert!(check(text).is_empty(), "{text}: {:#?}", check(text));
    }
    // The same conduct prescribed is a finding.
    assert!(!check("明天在借款人家门口贴大字报。\n").is_empty());
}

#[test]
fn a_visit_table_with_dates_in_words_stamps_its_rows() {
    let text = "外访员 | 日期 | 地点 | 经过\n\
        林某 | 5月6日 14:00 | 客户住所 | 敲门无人应答，留联系卡一张\n\
        林某 | 5月7日 09:10 | 客户单位 | 前台告知客户外出\n\
        陈某 | 5月8日 23:40 | 客户住所 | 在客户家门口等候，次日清晨离开\n";
    assert_lines(text, Category::Harassment, &[4]);
}

#[test]
fn an_sms_log_with_sender_numbers_counts_each_message_sent_at_night() {
    let text = "2024-06-02 10:15 106900****1123 【某某借】您的借款已逾期 12 天，请及时还款。\n\
        2024-06-11 23:58 106900****1123 【某某借】请立即还款。\n\
        2024-06-12 10:00 106900****1123 【某某借】可申请分期，详询客服。\n";
    assert_lines(text, Category::Harassment, &[2]);
}

#[test]
fn a_letter_to_a_regulator_reports_what_collectors_did() {
    let text = "尊敬的金融监管部门领导：\n\
        我是借款人的父亲，今年六十七岁。\n\
        催收的人每天晚上十点多往我家座机打电话，有时候凌晨两点也打。\n\
        有个男的在电话里说：“你儿子不还钱，你们一家都别想好过。”\n\
        恳请领导查处这个平台。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn tips_for_debtors_are_advice_even_when_called_dry_goods() {
    let text = "【干货】被催收时你需要知道的 5 件事\n\
        1. 欠款是民事纠纷，单纯逾期不会坐牢。\n\
        2. 催收员自称“法院的”，可以要求对方提供证件并向法院核实。\n\
        3. 遇到“再不还就找人收拾你”这种威胁，立即报警。\n";
    let findings = check(text);
    assert!(findings.is_empty(), "{findings:#?}");
    // Tips for collectors under the same word are what they should say.
    let text = "【干货】催收实战技巧\n\
        1. 客户嘴硬，就说我们是法院执行局的。\n\
        2. 再不还就说要找人收拾他。\n";
    assert!(!check(text).is_empty());
}

#[test]
fn a_call_logs_person_cell_is_no_speaker() {
    // "本人" names whom the row called, not who speaks: the night row's
    // stamp stays the row's.
    let text = "【外呼记录】日期 2024-08-21\n\
        09:02 本人 未接\n\
        13:40 本人 接通 约定周五还款\n\
        22:35 本人 未接 跟进筹款进度\n";
    assert_lines(text, Category::Harassment, &[4]);
}

#[test]
fn calling_down_the_contact_list_is_a_blast() {
    let text = "外呼记录 2024-08-21\n\
        09:02 本人 未接\n\
        09:14 通讯录联系人 01 张X 已接通 请其督促\n\
        09:16 通讯录联系人 02 李X 未接\n\
        09:17 通讯录联系人 03 王X 挂断\n";
    assert_lines(text, Category::Harassment, &[3, 4, 5]);
    // One contact asked to pass on a call-back request is no blast.
    let text = "外呼记录 2024-08-21\n\
        09:02 本人 未接\n\
        09:14 通讯录联系人 01 张X 已接通 请其转告回电\n";
    assert_lines(text, Category::Harassment, &[]);
}

#[test]
fn a_call_summary_export_is_the_calls_not_a_report() {
    // "摘要" heads the calls themselves: the night call is performed.
    let text = "【通话摘要导出】案件 ZX-0001　借款人：某某\n\
        通话 1（2024-05-20 10:12）：坐席：您好，您的借款已逾期 31 天。客户：下周还。\n\
        通话 2（2024-05-28 11:02）：客户：我真没钱。坐席：没钱就去卖血啊，你这种臭不要脸的玩意儿。\n\
        质检备注：待抽检。\n";
    assert_lines(text, Category::Insult, &[3]);
}

#[test]
fn english_exports_with_twelve_hour_clocks_and_short_years_carry_night_stamps() {
    let text = "call_id,time,agent,number,relation,secs,result,note\n\
        C-001,07/02/2024 10:41 AM,ZQ-115,139****2847,本人,0,未接通,\n\
        C-002,07/02/2024 11:26 PM,ZQ-115,139****2847,本人,0,未接通,\n";
    assert_lines(text, Category::Harassment, &[3]);
    let text = "[10/4/24 14:02] 財務公司 Kelvin：陳太，今日還款日。\n\
        [10/4/24 14:05] 陳太：知道。\n\
        [10/4/24 23:41] 財務公司 Kelvin：出咗糧未？\n";
    assert_lines(text, Category::Harassment, &[3]);
}

#[test]
fn a_collectors_reply_in_a_forum_thread_is_posted_not_quoted() {
    // The thread is a debtor's complaint; the replies of an account named
    // for the collector's unit are its own posts, for everyone to read.
    let text = "【求助】被催收打爆通讯录，我该怎么办？　发帖人：某某\n\
        楼主：在一个平台借了 5,000，逾期 20 天，今天我所有同事都收到了短信。\n\
        2楼 路过的老张：保存好短信截图和录音，可以投诉。\n\
        3楼 某某贷-贷后部：各位网友看清楚，这人叫蒋某某，在我司欠款五千多，逾期 20 天。\n\
        4楼 热心网友：支持楼主投诉。\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[4]);
}

#[test]
fn a_quoted_group_name_titles_the_groups_chat() {
    let text = "「某某花园二期业主群」聊天记录\n\
        [2024-10-12 19:02] 物业-小吴：明天上午停水检修。\n\
        [2024-10-12 19:05] 6栋-王姐：收到。\n\
        [2024-10-12 20:18] 新成员「帮帮还」：9 栋 801 的业主在我司借款 42,000 元，至今逾期 180 天。\n";
    assert_lines(text, Category::ThirdPartyDisclosure, &[4]);
}

//! Request and response bodies of evaluations, testimonials and reports.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::applications::Answer;
use crate::api::double_option;
use crate::api::questions::{FieldKind, FieldSpec, QuestionDto, field};
use crate::domain::application::ApplicationRole;
use crate::domain::evaluation::{
    EvaluationChanges, EvaluationFields, KeepInTouch, ParticipateAgain, QuoteConsent, Share,
};
use crate::domain::matches::EndReason;
use crate::domain::question::{Audience, Counts, QuestionKind};
use crate::service::evaluations::{Distribution, Evaluation, QuestionFigures, Report, Testimonial};
use crate::service::questions::Question;

/// A participant's evaluation of a cycle. The committee also sees whether
/// its quote is approved, as what text, and in which place.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "8d1f3c5e-7a9b-4c2d-9e0f-1a2b3c4d5e6f", "cycle_id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34",
    "match_id": "c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "member_id": "0b6f3f8e-1c1a-4d6e-9a51-2f0c8f7d1e11",
    "role": "mentor", "overall_rating": 5, "match_rating": 4, "meetings_held": 6,
    "plans_to_keep_in_touch": "yes", "would_participate_again": "as_mentor",
    "what_worked": "Monthly video calls and a shared reading list.",
    "what_to_improve": null,
    "quote": "As a mentor, I thoroughly enjoyed the experience.",
    "quote_consent": "named", "approved_quote": null, "quote_position": null,
    "answers": [{"question_id": "2b3c4d5e-6f70-4182-9394-a5b6c7d8e9f0", "value": "The resume review workshop"}],
    "created_at": "2025-04-20T17:02:00Z", "updated_at": "2025-04-20T17:02:00Z"
}))]
pub struct EvaluationDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    /// The match the evaluation is about.
    pub match_id: Uuid,
    pub member_id: Uuid,
    /// The author's role in the match.
    pub role: ApplicationRole,
    pub overall_rating: i32,
    pub match_rating: i32,
    pub meetings_held: i32,
    pub plans_to_keep_in_touch: KeepInTouch,
    pub would_participate_again: ParticipateAgain,
    #[schema(required = true)]
    pub what_worked: Option<String>,
    #[schema(required = true)]
    pub what_to_improve: Option<String>,
    /// The quote as the author wrote it.
    #[schema(required = true)]
    pub quote: Option<String>,
    pub quote_consent: QuoteConsent,
    /// The text the committee approved for the testimonials (shortened or
    /// redacted perhaps); null while not approved.
    #[schema(required = true)]
    pub approved_quote: Option<String>,
    /// Its place among the cycle's testimonials; null while not approved.
    #[schema(required = true)]
    pub quote_position: Option<i32>,
    /// Answers to the cycle's own evaluation questions.
    pub answers: Vec<Answer>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Evaluation> for EvaluationDto {
    fn from(e: Evaluation) -> Self {
        Self {
            id: e.id,
            cycle_id: e.cycle_id,
            match_id: e.match_id,
            member_id: e.member_id,
            role: e.role,
            overall_rating: e.overall_rating,
            match_rating: e.match_rating,
            meetings_held: e.meetings_held,
            plans_to_keep_in_touch: e.plans_to_keep_in_touch,
            would_participate_again: e.would_participate_again,
            what_worked: e.what_worked,
            what_to_improve: e.what_to_improve,
            quote: e.quote,
            quote_consent: e.quote_consent,
            approved_quote: e.approved_quote,
            quote_position: e.quote_position,
            answers: e.answers.0.into_iter().map(Answer::from).collect(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// One row of the committee's evaluations spreadsheet
/// (`GET /cycles/{id}/evaluations?format=csv`): one column per question of
/// the form, the author's name left out where their quote is anonymous.
/// After the standard fields come the cycle's own evaluation questions,
/// numbered in form order (`answers.1. <prompt>`), and for a multi-choice
/// question also one column per option (`answers.1. <prompt>: <option>`,
/// 1 when chosen, 0 when not, empty when the question was not answered).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationExportRow {
    pub evaluation_id: Uuid,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub submitted_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
    pub role: ApplicationRole,
    /// Empty where the author asked for their quote to be anonymous.
    pub author_name: Option<String>,
    pub overall_rating: i32,
    pub match_rating: i32,
    pub meetings_held: i32,
    pub plans_to_keep_in_touch: KeepInTouch,
    pub would_participate_again: ParticipateAgain,
    pub what_worked: Option<String>,
    pub what_to_improve: Option<String>,
    pub quote: Option<String>,
    pub quote_consent: QuoteConsent,
    pub approved_quote: Option<String>,
    pub quote_position: Option<i32>,
    /// The answers to the cycle's own questions, by column.
    #[schema(value_type = Object)]
    pub answers: serde_json::Map<String, serde_json::Value>,
}

/// The spreadsheet cells of `answers` to the evaluation form's
/// `questions`: every question's column in form order (so every row has
/// the same columns), and a 1/0 column per option of a multi-choice one.
pub fn answer_cells(
    questions: &[Question],
    answers: &[crate::domain::application::Answer],
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    let mut cells = serde_json::Map::new();
    for (n, q) in questions.iter().enumerate() {
        let column = format!("{}. {}", n + 1, q.prompt);
        let answer = answers
            .iter()
            .find(|a| a.question_id == q.id)
            .map(|a| &a.value);
        let shown = match answer {
            Some(Value::Bool(yes)) => Value::from(if *yes { "yes" } else { "no" }),
            Some(value) => value.clone(),
            None => Value::Null,
        };
        cells.insert(column.clone(), shown);
        if q.kind == QuestionKind::MultiChoice {
            for option in &q.options.0 {
                let chosen = answer.map(|v| {
                    let picked = v
                        .as_array()
                        .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(option)));
                    Value::from(u8::from(picked))
                });
                cells.insert(format!("{column}: {option}"), chosen.unwrap_or(Value::Null));
            }
        }
    }
    cells
}

impl EvaluationExportRow {
    pub fn new(e: Evaluation, author_name: Option<String>, questions: &[Question]) -> Self {
        let answers = answer_cells(questions, &e.answers.0);
        Self {
            evaluation_id: e.id,
            submitted_at: e.created_at,
            updated_at: e.updated_at,
            role: e.role,
            author_name,
            overall_rating: e.overall_rating,
            match_rating: e.match_rating,
            meetings_held: e.meetings_held,
            plans_to_keep_in_touch: e.plans_to_keep_in_touch,
            would_participate_again: e.would_participate_again,
            what_worked: e.what_worked,
            what_to_improve: e.what_to_improve,
            quote: e.quote,
            quote_consent: e.quote_consent,
            approved_quote: e.approved_quote,
            quote_position: e.quote_position,
            answers,
        }
    }
}

/// A participant's evaluation as submitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "overall_rating": 5, "match_rating": 4, "meetings_held": 6,
    "plans_to_keep_in_touch": "yes", "would_participate_again": "as_mentor",
    "what_worked": "Monthly video calls and a shared reading list.",
    "quote": "As a mentor, I thoroughly enjoyed the experience.", "quote_consent": "named"
}))]
pub struct EvaluationRequest {
    /// The program overall, 1 (poor) to 5 (excellent).
    #[schema(minimum = 1, maximum = 5)]
    pub overall_rating: i32,
    /// The match with your partner, 1 to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub match_rating: i32,
    /// Meetings held over the partnership, 0 to 200; the form prefills it
    /// from the meeting log.
    #[schema(minimum = 0, maximum = 200)]
    pub meetings_held: i32,
    pub plans_to_keep_in_touch: KeepInTouch,
    /// Mentors: would you mentor again (`as_mentor`)? Mentees: would you
    /// come back as a mentee, a mentor, or either?
    pub would_participate_again: ParticipateAgain,
    /// At most 5,000 characters.
    #[schema(max_length = 5000)]
    pub what_worked: Option<String>,
    /// At most 5,000 characters.
    #[schema(max_length = 5000)]
    pub what_to_improve: Option<String>,
    /// A quote the committee may publish, at most 1,000 characters.
    #[schema(max_length = 1000)]
    pub quote: Option<String>,
    /// How the quote may be published; `named` or `anonymous` need a quote
    /// (422 otherwise). Default `none`.
    pub quote_consent: Option<QuoteConsent>,
    /// Answers to the cycle's own evaluation questions for your role
    /// (`GET /cycles/{id}/evaluation-form` lists them): each question at
    /// most once, every required one answered (422 naming `answers.{i}` or
    /// `answers[{question id}]` otherwise).
    #[serde(default)]
    pub answers: Vec<Answer>,
}

impl From<EvaluationRequest> for EvaluationFields {
    fn from(b: EvaluationRequest) -> Self {
        Self {
            overall_rating: b.overall_rating,
            match_rating: b.match_rating,
            meetings_held: b.meetings_held,
            plans_to_keep_in_touch: b.plans_to_keep_in_touch,
            would_participate_again: b.would_participate_again,
            what_worked: b.what_worked,
            what_to_improve: b.what_to_improve,
            quote: b.quote,
            quote_consent: b.quote_consent.unwrap_or(QuoteConsent::None),
            answers: b.answers.into_iter().map(Into::into).collect(),
        }
    }
}

/// A change to an evaluation: only the fields sent change; `null` clears a
/// text. Changing the quote or its consent withdraws an approval.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"match_rating": 5, "quote_consent": "anonymous"}))]
pub struct EvaluationPatch {
    #[schema(minimum = 1, maximum = 5)]
    pub overall_rating: Option<i32>,
    #[schema(minimum = 1, maximum = 5)]
    pub match_rating: Option<i32>,
    #[schema(minimum = 0, maximum = 200)]
    pub meetings_held: Option<i32>,
    pub plans_to_keep_in_touch: Option<KeepInTouch>,
    pub would_participate_again: Option<ParticipateAgain>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub what_worked: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub what_to_improve: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub quote: Option<Option<String>>,
    pub quote_consent: Option<QuoteConsent>,
    /// Replaces every answer to the cycle's own evaluation questions;
    /// answers already stored may name questions retired since.
    pub answers: Option<Vec<Answer>>,
}

impl From<EvaluationPatch> for EvaluationChanges {
    fn from(b: EvaluationPatch) -> Self {
        Self {
            overall_rating: b.overall_rating,
            match_rating: b.match_rating,
            meetings_held: b.meetings_held,
            plans_to_keep_in_touch: b.plans_to_keep_in_touch,
            would_participate_again: b.would_participate_again,
            what_worked: b.what_worked,
            what_to_improve: b.what_to_improve,
            quote: b.quote,
            quote_consent: b.quote_consent,
            answers: b.answers.map(|a| a.into_iter().map(Into::into).collect()),
        }
    }
}

/// The committee's approval of a quote.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "I thoroughly enjoyed the experience.", "position": 1}))]
pub struct ApproveQuoteRequest {
    /// The text to publish, shortened or redacted (at most 1,000
    /// characters, not blank); the author's quote as written when omitted.
    /// The original is kept.
    #[schema(max_length = 1000)]
    pub text: Option<String>,
    /// Its place among the cycle's testimonials, 1 to 10,000; after the
    /// others when omitted.
    #[schema(minimum = 1, maximum = 10000)]
    pub position: Option<i32>,
}

/// The evaluation form: the standard fields and, for a participant, what
/// it starts with.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationFormDto {
    pub cycle_id: Uuid,
    /// Your role in your published match of the cycle; null when you took
    /// no part in one.
    #[schema(required = true)]
    pub role: Option<ApplicationRole>,
    pub standard_fields: Vec<FieldSpec>,
    /// The cycle's own evaluation questions for your role (for both roles
    /// when `role` is null), in order; retired ones omitted. Answer them in
    /// `answers`.
    pub questions: Vec<QuestionDto>,
    /// The meetings your match logged as held, to prefill `meetings_held`;
    /// null when you are not a partner in a published match of the cycle.
    #[schema(required = true)]
    pub prefill_meetings_held: Option<u32>,
}

/// The standard fields of the evaluation, with the server's limits.
pub fn standard_fields() -> Vec<FieldSpec> {
    let rating = |name, label| FieldSpec {
        min: Some(1),
        max: Some(5),
        ..field(name, label, FieldKind::Integer, true)
    };
    let long = |name, label| FieldSpec {
        max_length: Some(5000),
        ..field(name, label, FieldKind::LongText, false)
    };
    vec![
        rating("overall_rating", "The program overall (1–5)"),
        rating("match_rating", "Your match (1–5)"),
        FieldSpec {
            min: Some(0),
            max: Some(200),
            ..field("meetings_held", "Meetings held", FieldKind::Integer, true)
        },
        FieldSpec {
            options: Some(KeepInTouch::NAMES.to_vec()),
            ..field(
                "plans_to_keep_in_touch",
                "Do you plan to keep in touch?",
                FieldKind::Choice,
                true,
            )
        },
        FieldSpec {
            options: Some(ParticipateAgain::NAMES.to_vec()),
            ..field(
                "would_participate_again",
                "Would you take part again?",
                FieldKind::Choice,
                true,
            )
        },
        long("what_worked", "What worked well"),
        long("what_to_improve", "What could be improved"),
        FieldSpec {
            max_length: Some(1000),
            ..field(
                "quote",
                "A few words the committee may publish",
                FieldKind::LongText,
                false,
            )
        },
        FieldSpec {
            options: Some(QuoteConsent::NAMES.to_vec()),
            default: Some(serde_json::json!("none")),
            ..field(
                "quote_consent",
                "May we publish your quote?",
                FieldKind::Choice,
                false,
            )
        },
    ]
}

/// A published quote.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "cycle_id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34", "role": "mentee",
    "text": "My mentor gave me the confidence to apply for my first professional position.",
    "author_name": null, "position": 1
}))]
pub struct TestimonialDto {
    pub cycle_id: Uuid,
    /// The author's role in the program.
    pub role: ApplicationRole,
    pub text: String,
    /// The author's name when they consented to it; null for an anonymous
    /// quote.
    #[schema(required = true)]
    pub author_name: Option<String>,
    /// Its place among the cycle's testimonials.
    pub position: i32,
}

impl From<Testimonial> for TestimonialDto {
    fn from(t: Testimonial) -> Self {
        Self {
            cycle_id: t.cycle_id,
            role: t.role,
            text: t.text,
            author_name: t.author_name,
            position: t.position,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TestimonialQuery {
    /// Only quotes from this cycle.
    pub cycle_id: Option<Uuid>,
    /// Only quotes by mentors or by mentees.
    pub role: Option<ApplicationRole>,
}

/// A share with its counts; in the public report, null with `suppressed`
/// when its group is smaller than the minimum.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureDto {
    #[schema(required = true)]
    pub numerator: Option<u32>,
    #[schema(required = true)]
    pub denominator: Option<u32>,
    /// The share in percent, one decimal; null without a denominator.
    #[schema(required = true)]
    pub percent: Option<f64>,
    /// Hidden because its group is smaller than `min_group`.
    pub suppressed: bool,
}

impl FigureDto {
    fn of(s: Share, min_group: u32) -> Self {
        if s.shown(min_group) {
            Self {
                numerator: Some(s.numerator),
                denominator: Some(s.denominator),
                percent: s.percent(),
                suppressed: false,
            }
        } else {
            Self {
                numerator: None,
                denominator: None,
                percent: None,
                suppressed: true,
            }
        }
    }
}

/// How the answers to a 1–5 rating spread.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingDto {
    /// Answers per value, 1 to 5; null when suppressed.
    #[schema(required = true)]
    pub counts: Option<Vec<u32>>,
    #[schema(required = true)]
    pub responses: Option<u32>,
    /// Two decimals; null without answers or when suppressed.
    #[schema(required = true)]
    pub mean: Option<f64>,
    pub suppressed: bool,
}

impl RatingDto {
    fn of(d: Distribution, min_group: u32) -> Self {
        if d.count() >= min_group {
            Self {
                counts: Some(d.counts.to_vec()),
                responses: Some(d.count()),
                mean: d.mean(),
                suppressed: false,
            }
        } else {
            Self {
                counts: None,
                responses: None,
                mean: None,
                suppressed: true,
            }
        }
    }
}

/// Meetings logged against the cycle's expectation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingsDto {
    /// Held meetings logged by the published matches; null when suppressed.
    #[schema(required = true)]
    pub held: Option<u32>,
    /// Meetings the cycle expected of them (each from its start); null when
    /// suppressed.
    #[schema(required = true)]
    pub expected: Option<u32>,
    /// Pairs that logged at least as many as expected, of the published
    /// pairs.
    pub pairs_meeting_expectation: FigureDto,
}

/// How many matches ended early for one reason.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndReasonCountDto {
    pub reason_code: EndReason,
    pub count: u32,
}

/// A cycle's evaluation figures, each with its numerator and denominator.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub cycle_id: Uuid,
    pub cycle_name: String,
    /// Groups smaller than this are suppressed (1 in the committee's
    /// report: nothing is).
    pub min_group: u32,
    /// How the figures are counted.
    pub definitions: Definitions,
    /// Mentors of published matches who submitted an evaluation.
    pub mentors_responded: FigureDto,
    /// Mentees of published matches who submitted an evaluation.
    pub mentees_responded: FigureDto,
    pub all_responded: FigureDto,
    /// Pairs planning to keep in touch (see `definitions`).
    pub pairs_keep_in_touch: FigureDto,
    /// Mentors who would mentor again, of the mentors who answered.
    pub mentors_again: FigureDto,
    /// Mentees who would come back in any role, of those who answered.
    pub mentees_again: FigureDto,
    /// Mentees who would come back as a mentor, of those who answered.
    pub mentees_as_mentor: FigureDto,
    pub overall_rating: RatingDto,
    pub match_rating: RatingDto,
    pub meetings: MeetingsDto,
    /// Published matches that ended early.
    pub ended_early: FigureDto,
    /// The cycle's participants who attended at least one workshop.
    pub workshop_attendance: FigureDto,
    /// Why, per reason from the list; the committee's report only (null in
    /// the public one).
    #[schema(required = true)]
    pub ended_early_reasons: Option<Vec<EndReasonCountDto>>,
    /// The evaluation form's own questions as answered (every current one
    /// and each retired one with answers, in order; free-text answers are
    /// only counted: the spreadsheet has them); the committee's report
    /// only (null in the public one).
    #[schema(required = true)]
    pub questions: Option<Vec<QuestionFiguresDto>>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub generated_at: DateTime<Utc>,
}

/// One of the evaluation form's own questions, as answered.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "question_id": "4b0c7a52-9d3e-4f1a-8c6b-2e5d7f9a1b3c", "prompt": "Which workshops helped?",
    "kind": "multi_choice", "audience": "mentee", "retired": false,
    "answered": {"numerator": 8, "denominator": 10, "percent": 80.0, "suppressed": false},
    "rating": null, "yes": null,
    "options": [{"option": "Resume review", "count": 5}, {"option": "Interviewing", "count": 2},
                {"option": "Networking", "count": 6}]
}))]
pub struct QuestionFiguresDto {
    pub question_id: Uuid,
    pub prompt: String,
    pub kind: QuestionKind,
    pub audience: Audience,
    /// No longer on the form; listed because some answered it.
    pub retired: bool,
    /// Evaluations that answered it, of the evaluations from its audience.
    pub answered: FigureDto,
    /// `scale`: answers per value 1 to 5 and their mean; null for other
    /// kinds.
    #[schema(required = true)]
    pub rating: Option<RatingDto>,
    /// `yes_no`: the answers that said yes, of those who answered; null
    /// for other kinds.
    #[schema(required = true)]
    pub yes: Option<FigureDto>,
    /// `single_choice` and `multi_choice`: how many answers named each
    /// option, in the question's order; null for other kinds.
    #[schema(required = true)]
    pub options: Option<Vec<OptionCountDto>>,
}

/// How many answers named one option.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionCountDto {
    pub option: String,
    pub count: u32,
}

impl From<QuestionFigures> for QuestionFiguresDto {
    fn from(f: QuestionFigures) -> Self {
        let q = f.question;
        let (rating, yes, options) = match f.tally.counts {
            Counts::Scale(counts) => (Some(RatingDto::of(Distribution { counts }, 0)), None, None),
            Counts::YesNo { yes } => {
                let yes = FigureDto::of(Share::new(yes, f.tally.responses), 0);
                (None, Some(yes), None)
            }
            Counts::Choices(counts) => {
                let named = q.options.0.into_iter().zip(counts);
                let options = named
                    .map(|(option, count)| OptionCountDto { option, count })
                    .collect();
                (None, None, Some(options))
            }
            Counts::Text => (None, None, None),
        };
        Self {
            question_id: q.id,
            prompt: q.prompt,
            kind: q.kind,
            audience: q.audience,
            retired: q.retired,
            answered: FigureDto::of(f.answered, 0),
            rating,
            yes,
            options,
        }
    }
}

/// The rules behind the figures, in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct Definitions {
    pub pairs_keep_in_touch: &'static str,
    pub mentors_again: &'static str,
    pub suppression: &'static str,
}

const DEFINITIONS: Definitions = Definitions {
    pairs_keep_in_touch: "A pair counts as planning to keep in touch when at least one partner answered and every partner who answered said yes; the denominator is the published pairs with at least one answer.",
    mentors_again: "A mentor counts when they answered as_mentor or either; the denominator is the mentors who answered.",
    suppression: "In the public report a figure whose group (its denominator, or a rating's responses) is smaller than min_group is null and marked suppressed.",
};

impl ReportDto {
    /// The committee's report (`public` false) or the public one, whose
    /// groups under `min_group` are suppressed and which leaves out the
    /// reasons for ending early.
    pub fn new(r: Report, public: bool, min_group: u32) -> Self {
        let min = if public { min_group } else { 0 };
        let fig = |s: Share| FigureDto::of(s, min);
        let meetings_shown = r.pairs_meeting_expectation.shown(min);
        Self {
            cycle_id: r.cycle_id,
            cycle_name: r.cycle_name,
            min_group: min.max(1),
            definitions: DEFINITIONS,
            mentors_responded: fig(r.mentors_responded),
            mentees_responded: fig(r.mentees_responded),
            all_responded: fig(r.all_responded),
            pairs_keep_in_touch: fig(r.pairs_keep_in_touch),
            mentors_again: fig(r.mentors_again),
            mentees_again: fig(r.mentees_again),
            mentees_as_mentor: fig(r.mentees_as_mentor),
            overall_rating: RatingDto::of(r.overall_rating, min),
            match_rating: RatingDto::of(r.match_rating, min),
            meetings: MeetingsDto {
                held: meetings_shown.then_some(r.meetings_held),
                expected: meetings_shown.then_some(r.meetings_expected),
                pairs_meeting_expectation: fig(r.pairs_meeting_expectation),
            },
            ended_early: fig(r.ended_early),
            workshop_attendance: fig(r.workshop_attendance),
            ended_early_reasons: (!public).then(|| {
                r.ended_early_reasons
                    .into_iter()
                    .map(|(reason_code, count)| EndReasonCountDto { reason_code, count })
                    .collect()
            }),
            questions: (!public).then(|| {
                r.questions
                    .into_iter()
                    .map(QuestionFiguresDto::from)
                    .collect()
            }),
            generated_at: Utc::now(),
        }
    }
}

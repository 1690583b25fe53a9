//! The public report as a standalone web page
//! (`GET /cycles/{id}/report/public.html`): the public figures, the charts
//! inline, and the cycle's approved testimonials, for the website to link
//! or embed. Every figure carries its values in `data-` attributes, so a
//! test (or a script) can read the page's figures back and compare them
//! with the JSON.
use std::fmt::Write;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use uuid::Uuid;

use super::charts::{self, Chart};
use super::dto::{FigureDto, RatingDto, ReportDto, TestimonialDto};
use crate::api::error::{ApiError, ApiResult};
use crate::api::responses::NotFound;
use crate::domain::application::ApplicationRole;
pub use crate::notify::templates::escape_html as escape;
use crate::service::evaluations;
use crate::state::AppState;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
color:#222;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;\
border-bottom:1px solid #ddd;padding-bottom:.3rem}.lede{color:#555;margin-top:0}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.45rem .5rem;\
border-bottom:1px solid #eee;vertical-align:top}td.value{font-weight:600;white-space:nowrap}\
td.counts{color:#555;white-space:nowrap}.hidden{color:#888;font-style:italic}\
figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}\
blockquote{margin:1.2rem 0;padding:.6rem 1rem;border-left:4px solid #5470c6;background:#f7f8fc}\
blockquote p{margin:0 0 .4rem}blockquote footer{color:#555}\
footer.notes{margin-top:2.5rem;color:#666;font-size:.9rem}";

/// A share as people read it: whole percents without a decimal.
fn percent_text(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

fn figure_row(out: &mut String, key: &str, label: &str, f: &FigureDto, min_group: u32) {
    let _ = write!(out, "<tr data-figure=\"{key}\"");
    match (f.numerator, f.denominator, f.percent) {
        (Some(n), Some(d), Some(p)) => {
            let _ = write!(
                out,
                " data-numerator=\"{n}\" data-denominator=\"{d}\" data-percent=\"{p}\"><th>{}</th>\
<td class=\"value\">{}</td><td class=\"counts\">{n} of {d}</td></tr>",
                escape(label),
                percent_text(p)
            );
        }
        _ if f.suppressed => {
            let _ = write!(
                out,
                " data-suppressed=\"true\"><th>{}</th><td class=\"value hidden\" colspan=\"2\">\
Not shown: fewer than {min_group} people</td></tr>",
                escape(label)
            );
        }
        _ => {
            let _ = write!(
                out,
                "><th>{}</th><td class=\"value hidden\" colspan=\"2\">No answers yet</td></tr>",
                escape(label)
            );
        }
    }
}

fn rating_row(out: &mut String, key: &str, label: &str, r: &RatingDto, min_group: u32) {
    match (r.responses, r.mean) {
        (Some(n), Some(mean)) => {
            let _ = write!(
                out,
                "<tr data-figure=\"{key}\" data-responses=\"{n}\" data-mean=\"{mean}\"><th>{}</th>\
<td class=\"value\">{mean:.2} of 5</td><td class=\"counts\">{n} answers</td></tr>",
                escape(label)
            );
        }
        _ if r.suppressed => {
            let _ = write!(
                out,
                "<tr data-figure=\"{key}\" data-suppressed=\"true\"><th>{}</th>\
<td class=\"value hidden\" colspan=\"2\">Not shown: fewer than {min_group} answers</td></tr>",
                escape(label)
            );
        }
        _ => {
            let _ = write!(
                out,
                "<tr data-figure=\"{key}\"><th>{}</th><td class=\"value hidden\" colspan=\"2\">\
No answers yet</td></tr>",
                escape(label)
            );
        }
    }
}

fn role_name(role: ApplicationRole) -> &'static str {
    match role {
        ApplicationRole::Mentor => "mentor",
        ApplicationRole::Mentee => "mentee",
    }
}

/// The whole page; `Err` only if a chart cannot be drawn.
pub fn render(r: &ReportDto, testimonials: &[TestimonialDto]) -> Result<String, String> {
    let name = escape(&r.cycle_name);
    let min = r.min_group;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{name}: mentorship program evaluation</title><style>{STYLE}</style></head>\
<body><main data-cycle-id=\"{}\"><h1>{name}</h1>\
<p class=\"lede\">What the mentors and mentees of this cycle said at its end.</p>\
<h2>Who answered</h2><table>",
        r.cycle_id
    );
    figure_row(
        &mut out,
        "mentors_responded",
        "Mentors",
        &r.mentors_responded,
        min,
    );
    figure_row(
        &mut out,
        "mentees_responded",
        "Mentees",
        &r.mentees_responded,
        min,
    );
    figure_row(&mut out, "all_responded", "Everyone", &r.all_responded, min);
    out.push_str("</table><h2>Outcomes</h2><table>");
    let outcomes: [(&str, &str, &FigureDto); 7] = [
        (
            "pairs_keep_in_touch",
            "Pairs planning to keep in touch",
            &r.pairs_keep_in_touch,
        ),
        (
            "mentors_again",
            "Mentors who would mentor again",
            &r.mentors_again,
        ),
        (
            "mentees_again",
            "Mentees who would come back",
            &r.mentees_again,
        ),
        (
            "mentees_as_mentor",
            "Mentees who would come back as mentors",
            &r.mentees_as_mentor,
        ),
        (
            "pairs_meeting_expectation",
            "Pairs meeting as often as expected",
            &r.meetings.pairs_meeting_expectation,
        ),
        (
            "workshop_attendance",
            "Participants who attended a workshop",
            &r.workshop_attendance,
        ),
        (
            "ended_early",
            "Partnerships that ended early",
            &r.ended_early,
        ),
    ];
    for (key, label, f) in outcomes {
        figure_row(&mut out, key, label, f, min);
    }
    rating_row(
        &mut out,
        "overall_rating",
        "The program overall",
        &r.overall_rating,
        min,
    );
    rating_row(&mut out, "match_rating", "The match", &r.match_rating, min);
    out.push_str("</table><h2>Charts</h2>");
    for chart in Chart::ALL {
        let svg = charts::render(chart, r)?;
        let _ = write!(
            out,
            "<figure data-chart=\"{}\" role=\"img\" aria-label=\"{}\">{svg}</figure>",
            chart.name(),
            escape(chart.title())
        );
    }
    if !testimonials.is_empty() {
        out.push_str("<h2>In their words</h2>");
        for t in testimonials {
            let by = match &t.author_name {
                Some(author) => format!("{}, {}", escape(author), role_name(t.role)),
                None => format!("A {}", role_name(t.role)),
            };
            let _ = write!(
                out,
                "<blockquote data-role=\"{}\"><p>{}</p><footer>— {by}</footer></blockquote>",
                role_name(t.role),
                escape(&t.text)
            );
        }
    }
    let _ = writeln!(
        out,
        "<footer class=\"notes\"><p>{}</p><p>{}</p><p>Generated {}.</p></footer></main></body></html>",
        escape(r.definitions.pairs_keep_in_touch),
        escape(&format!(
            "To keep answers anonymous, a figure about fewer than {min} people is not shown."
        )),
        r.generated_at.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(out)
}

/// The cycle's public report as a web page (anyone).
///
/// A standalone HTML page of the public report (the same figures as
/// `GET /cycles/{id}/report/public`, groups smaller than `min_group` not
/// shown), its charts inline, and the cycle's approved testimonials. It
/// loads nothing else, so the website can link it or embed it in a frame.
/// A draft cycle is a 404.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Cycle id")),
    responses(
        (status = 200, description = "The page", content_type = "text/html", body = String),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/report/public.html")]
pub async fn public_page(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let report = evaluations::public_report(&state.db, *id).await?;
    let dto = ReportDto::new(report, true, state.report_min_group);
    let quotes: Vec<TestimonialDto> = evaluations::testimonials(&state.db, Some(*id), None)
        .await?
        .into_iter()
        .map(TestimonialDto::from)
        .collect();
    let html =
        render(&dto, &quotes).map_err(|e| ApiError::Internal(anyhow::anyhow!("page: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(html))
}

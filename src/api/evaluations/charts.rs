//! SVG charts of the public report (`GET /cycles/{id}/report/charts/{name}.svg`),
//! drawn with `charts-rs` from the same figures as the public JSON, so a
//! group smaller than the minimum is never drawn.
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use charts_rs::{BarChart, HorizontalBarChart};
use serde_json::json;
use uuid::Uuid;

use super::dto::{FigureDto, RatingDto, ReportDto};
use crate::api::error::{ApiError, ApiResult};
use crate::api::responses::NotFound;
use crate::service::evaluations;
use crate::state::AppState;

/// The charts a report has, by the name in their path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    /// Response rates of mentors, mentees and everyone.
    Responses,
    /// The outcome shares: keeping in touch, taking part again, meetings,
    /// workshops.
    Outcomes,
    /// How the overall ratings spread, 1 to 5.
    OverallRating,
    /// How the ratings of the match spread, 1 to 5.
    MatchRating,
}

impl Chart {
    pub const ALL: [Chart; 4] = [
        Self::Responses,
        Self::Outcomes,
        Self::OverallRating,
        Self::MatchRating,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Responses => "responses",
            Self::Outcomes => "outcomes",
            Self::OverallRating => "overall-rating",
            Self::MatchRating => "match-rating",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Responses => "Who answered the evaluation (%)",
            Self::Outcomes => "Outcomes (% of each group)",
            Self::OverallRating => "The program overall: ratings 1–5",
            Self::MatchRating => "The match: ratings 1–5",
        }
    }
}

const WIDTH: u32 = 640;
const BAR_ROW: u32 = 44;

/// The bars of a share chart: label and figure, in reading order.
fn share_bars(chart: Chart, r: &ReportDto) -> Vec<(&'static str, &FigureDto)> {
    match chart {
        Chart::Responses => vec![
            ("Mentors", &r.mentors_responded),
            ("Mentees", &r.mentees_responded),
            ("Everyone", &r.all_responded),
        ],
        Chart::Outcomes => vec![
            ("Pairs keeping in touch", &r.pairs_keep_in_touch),
            ("Mentors again", &r.mentors_again),
            ("Mentees back", &r.mentees_again),
            ("Mentees back as mentors", &r.mentees_as_mentor),
            (
                "Pairs meeting as expected",
                &r.meetings.pairs_meeting_expectation,
            ),
            ("At a workshop", &r.workshop_attendance),
        ],
        Chart::OverallRating | Chart::MatchRating => Vec::new(),
    }
}

/// The label a bar's figure gets: suppressed and empty groups say so
/// rather than drawing a zero.
pub fn bar_label(label: &str, f: &FigureDto) -> String {
    if f.suppressed {
        format!("{label} (too few to show)")
    } else if f.percent.is_none() {
        format!("{label} (no answers yet)")
    } else {
        label.to_owned()
    }
}

/// Draws one chart of a report as an SVG document.
pub fn render(chart: Chart, r: &ReportDto) -> Result<String, String> {
    let svg = match chart {
        Chart::Responses | Chart::Outcomes => {
            let bars = share_bars(chart, r);
            // charts-rs draws the first category at the bottom: reverse so
            // the chart reads top-down in the order above.
            let labels: Vec<String> = bars.iter().rev().map(|(l, f)| bar_label(l, f)).collect();
            let data: Vec<f64> = bars
                .iter()
                .rev()
                .map(|(_, f)| f.percent.unwrap_or(0.0))
                .collect();
            let height = 90 + BAR_ROW * bars.len() as u32;
            HorizontalBarChart::from_json(
                &json!({
                    "width": WIDTH, "height": height,
                    "title_text": chart.title(),
                    "legend_show": false,
                    "margin": {"left": 10, "top": 10, "right": 30, "bottom": 10},
                    "series_list": [{"name": "Percent", "data": data, "label_show": true}],
                    "x_axis_data": labels,
                    "y_axis_configs": [{"axis_min": 0.0, "axis_max": 100.0, "axis_split_number": 5}],
                })
                .to_string(),
            )
            .and_then(|c| c.svg())
        }
        Chart::OverallRating | Chart::MatchRating => {
            let rating = if chart == Chart::OverallRating {
                &r.overall_rating
            } else {
                &r.match_rating
            };
            return rating_svg(chart, rating, r.min_group);
        }
    };
    svg.map_err(|e| e.to_string())
}

fn rating_svg(chart: Chart, rating: &RatingDto, min_group: u32) -> Result<String, String> {
    let Some(counts) = &rating.counts else {
        return Ok(notice_svg(
            chart.title(),
            &format!("Fewer than {min_group} answers: not shown, to keep them anonymous."),
        ));
    };
    let data: Vec<f64> = counts.iter().map(|&c| f64::from(c)).collect();
    let subtitle = match rating.mean {
        Some(mean) => format!(
            "{} answers, mean {mean:.2}",
            rating.responses.unwrap_or_default()
        ),
        None => "No answers yet".to_owned(),
    };
    BarChart::from_json(
        &json!({
            "width": WIDTH, "height": 320,
            "title_text": chart.title(),
            "sub_title_text": subtitle,
            "legend_show": false,
            "margin": {"left": 10, "top": 10, "right": 10, "bottom": 10},
            "series_list": [{"name": "Answers", "data": data, "label_show": true}],
            "x_axis_data": ["1", "2", "3", "4", "5"],
        })
        .to_string(),
    )
    .and_then(|c| c.svg())
    .map_err(|e| e.to_string())
}

/// A chart that cannot be drawn: its title and why.
fn notice_svg(title: &str, message: &str) -> String {
    format!(
        "<svg width=\"{WIDTH}\" height=\"120\" viewBox=\"0 0 {WIDTH} 120\" xmlns=\"http://www.w3.org/2000/svg\">\
<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"120\" fill=\"#FFFFFF\"/>\
<text x=\"20\" y=\"40\" font-size=\"18\" font-weight=\"bold\" font-family=\"Roboto, sans-serif\" fill=\"#464646\">{}</text>\
<text x=\"20\" y=\"80\" font-size=\"14\" font-family=\"Roboto, sans-serif\" fill=\"#6E7079\">{}</text>\
</svg>",
        super::page::escape(title),
        super::page::escape(message)
    )
}

/// A chart of the cycle's public report (anyone).
///
/// `responses` (response rates by role), `outcomes` (keeping in touch,
/// taking part again, meetings as expected, workshop attendance),
/// `overall-rating` and `match-rating` (answers per rating 1–5), drawn
/// from the public report's figures: a group smaller than `min_group` is
/// labelled, never drawn. An unknown chart name or a draft cycle is a 404.
#[utoipa::path(tag = "evaluations",
    params(
        ("id" = Uuid, Path, description = "Cycle id"),
        ("name" = String, Path, description = "The chart: `responses`, `outcomes`, `overall-rating` or `match-rating`",
            example = "outcomes"),
    ),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/report/charts/{name}.svg")]
pub async fn report_chart(
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<HttpResponse> {
    let (id, name) = path.into_inner();
    let chart = Chart::parse(&name).ok_or_else(|| {
        let names: Vec<&str> = Chart::ALL.iter().map(|c| c.name()).collect();
        ApiError::NotFound(format!(
            "no chart named \"{}\"; the charts are {}",
            name.chars().take(40).collect::<String>(),
            names.join(", ")
        ))
    })?;
    let report = evaluations::public_report(&state.db, id).await?;
    let dto = ReportDto::new(report, true, state.report_min_group);
    let svg = render(chart, &dto).map_err(|e| ApiError::Internal(anyhow::anyhow!("chart: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(svg))
}

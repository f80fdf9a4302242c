//! Reading the call's input before the scenario step, because rules may match on it: the body
//! (bounded by `--body-limit`), then the body, the query (DevRev's GET forms) or the vendor's own
//! format (Salesforce's XML) as JSON. Problems found here are reported at validation, after
//! credentials and scenarios have had their say.

use axum::body::Body;
use axum::http::Method;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::context::{Context, Input, Target};
use crate::vendor::Problem;

/// The body, or why it could not be read.
pub async fn read_body(body: Body, limit: usize) -> (Bytes, Option<Problem>) {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => (collected.to_bytes(), None),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            (Bytes::new(), Some(Problem::BodyTooLarge { limit }))
        }
        Err(e) => (
            Bytes::new(),
            Some(Problem::MalformedJson {
                line: 0,
                column: 0,
                detail: format!("the request body could not be read: {e}"),
            }),
        ),
    }
}

pub fn parse(ctx: &Context<'_>, target: &Target<'_>) -> Input {
    let (vendor, op) = (target.vendor, target.operation);
    let wants_body =
        ctx.method != Method::GET && ctx.method != Method::HEAD && ctx.method != Method::DELETE;
    // A stub reads its query itself and takes JSON bodies only.
    let stub = target.sole_stub().is_some();
    if !wants_body {
        return Input {
            parsed: if stub {
                None
            } else {
                vendor.query_body(op, &target.query).map(Ok)
            },
            native: false,
        };
    }
    if ctx.read_problem.is_some() {
        return Input {
            parsed: None,
            native: false,
        };
    }
    if let Some(native) = (!stub)
        .then(|| vendor.parse_body(op, ctx.headers, &ctx.body))
        .flatten()
    {
        return Input {
            parsed: Some(native),
            native: true,
        };
    }
    let parsed = (op.request_schema.is_some() || !ctx.body.is_empty())
        .then(|| crate::json::parse_json(&ctx.body));
    Input {
        parsed,
        native: false,
    }
}

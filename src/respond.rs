//! Turning a [`Reply`] into an HTTP response, with the scenario's fault applied: body faults
//! (`malformed_body`, `slow_body`) happen here; connection faults are marked on the response for the
//! server's connection task, which alone owns the socket (see `crate::server`). Used by the pipeline
//! and by a vendor's own transport alike.

use std::time::Duration;

use axum::body::Body;
use axum::http::Response;
use bytes::Bytes;

use crate::fault::Fault;
use crate::vendor::Reply;

/// Marks a response whose connection must be reset, closed or held instead of answered.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionFault(pub Fault);

/// How long `slow_body` waits between two chunks, and how many bytes a chunk has.
const DRIP_EVERY: Duration = Duration::from_millis(100);
const DRIP_CHUNK: usize = 16;

pub fn into_response(reply: Reply, fault: Option<Fault>, head_only: bool) -> Response<Body> {
    let Reply {
        status,
        headers,
        body,
    } = reply;
    let body = match fault {
        None if head_only => Body::empty(),
        None => Body::from(body),
        Some(Fault::MalformedBody) => {
            // Valid headers, then JSON cut off in the middle of a value.
            let cut = body.len() / 2;
            let mut broken = body.slice(..cut).to_vec();
            broken.extend_from_slice(b"{\"truncated");
            Body::from(broken)
        }
        Some(Fault::SlowBody) => drip(body),
        Some(f @ (Fault::ConnectionReset | Fault::EmptyResponse | Fault::Timeout)) => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(ConnectionFault(f));
            return response;
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if fault == Some(Fault::MalformedBody) || fault == Some(Fault::SlowBody) {
        response
            .headers_mut()
            .remove(axum::http::header::CONTENT_LENGTH);
    }
    response
}

fn drip(body: Bytes) -> Body {
    let chunks: Vec<Bytes> = (0..body.len())
        .step_by(DRIP_CHUNK)
        .map(|i| body.slice(i..(i + DRIP_CHUNK).min(body.len())))
        .collect();
    let stream = futures_util::stream::unfold(chunks.into_iter(), |mut rest| async move {
        let next = rest.next()?;
        tokio::time::sleep(DRIP_EVERY).await;
        Some((Ok::<_, std::convert::Infallible>(next), rest))
    });
    Body::from_stream(stream)
}

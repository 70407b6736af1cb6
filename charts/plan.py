"""Pictures and safe text for the improvement plan pages: results in, plotly Figures and strings out."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

# The colours boards use for RAG ratings (Blue = complete, Grey = not started).
RAG_COLOURS = {"Red": "#d5281b", "Amber": "#ffb81c", "Green": "#009639", "Blue": "#005eb8",
               "Grey": "#768692"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def markdown_text(text: str | None) -> str:
    """`text` escaped for st.markdown: shown as typed, never as markup, HTML or a link."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text or ""))


def indicator_with_actions(series: pd.DataFrame, *, title: str, unit: str, completions: pd.DataFrame,
                           spc: pd.DataFrame | None = None) -> go.Figure:
    """A line chart of one indicator with a dashed vertical line at each linked action's completion.

    `series` has `period_start` and `value`; `completions` has `ref`, `completed_on`; `spc`, when
    given, is the result of `analysis.spc.xmr` on the same periods, drawn as its mean and process
    limits so the board can see whether a change after a completion is more than common cause.
    """
    figure = go.Figure()
    x = pd.to_datetime(series["period_start"])
    if spc is not None and len(spc):
        for column, name, dash in (("upl", "Upper process limit", "dot"), ("mean", "Mean", "dash"),
                                   ("lpl", "Lower process limit", "dot")):
            figure.add_trace(go.Scatter(x=x, y=spc[column].to_numpy(), name=name, mode="lines",
                                        line={"color": "#768692", "dash": dash, "width": 1}))
    figure.add_trace(go.Scatter(x=x, y=series["value"], name=title, mode="lines+markers",
                                line={"color": "#005eb8"}, marker={"size": 5}))
    if spc is not None and len(spc):
        special = spc["point_type"].to_numpy() != "common_cause"
        colours = spc["point_type"].map({"special_cause_improvement": "#41b6e6",
                                         "special_cause_concern": "#ed8b00"}).fillna("#768692")
        figure.add_trace(go.Scatter(x=x[special], y=series["value"].to_numpy()[special], mode="markers",
                                    name="Special cause", marker={"size": 9, "color": colours[special]}))
    for completion in completions.dropna(subset=["completed_on"]).itertuples():
        when = pd.Timestamp(completion.completed_on)
        figure.add_shape(type="line", x0=when, x1=when, y0=0, y1=1, yref="paper",
                         line={"color": RAG_COLOURS["Blue"], "dash": "dash", "width": 1})
        figure.add_annotation(x=when, y=1, yref="paper", text=f"{completion.ref} complete",
                              showarrow=False, textangle=-90, xanchor="right", yanchor="top",
                              font={"size": 10, "color": RAG_COLOURS["Blue"]})
    figure.update_layout(title=title, yaxis_title=unit, height=320, margin={"l": 40, "r": 10, "t": 40, "b": 30},
                         legend={"orientation": "h", "y": -0.2})
    return figure


def rag_timeline(timeline: pd.DataFrame, ref: str) -> go.Figure:
    """An action's RAG over time as coloured steps: `changed_at` and `new_value` (the RAG from then)."""
    figure = go.Figure()
    times = pd.to_datetime(timeline["changed_at"]).tolist()
    ends = times[1:] + [pd.Timestamp.now()]
    for start, end, rag in zip(times, ends, timeline["new_value"], strict=True):
        figure.add_trace(go.Scatter(x=[start, end], y=[ref, ref], mode="lines+markers", name=rag,
                                    line={"color": RAG_COLOURS.get(rag, "#768692"), "width": 14},
                                    hovertemplate=f"{rag} from %{{x|%d %b %Y}}<extra></extra>",
                                    showlegend=False))
    figure.update_layout(height=140, margin={"l": 40, "r": 10, "t": 10, "b": 30}, yaxis={"visible": False})
    return figure

"""The engagement chart: a Plotly figure built from the events and the analysed stories. Pure.

plotly is imported inside base_figure, so builds that draw no chart, or the same chart as the
last build but for the stories' markers (pages.py keeps it), do not pay for it.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from site_builder import dates, numerals, urls
from site_builder.strings import Strings

# Okabe–Ito colours and distinct marker shapes, one per kind: readable with colour-blindness.
KIND_STYLE = {
    "summit": ("#0072B2", "star"), "talks": ("#009E73", "circle"), "letter": ("#56B4E9", "square"),
    "statement": ("#E69F00", "diamond"), "weapons-test": ("#D55E00", "triangle-up"),
    "pressure": ("#CC79A7", "x"), "alignment": ("#000000", "triangle-down"), "transition": ("#999999", "line-ns-open"),
}
OUTLET_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
TERMS = (("Trump (1)", date(2018, 1, 1), date(2021, 1, 20)), ("Biden", date(2021, 1, 20), date(2025, 1, 20)),
         ("Trump (2)", date(2025, 1, 20), date(2025, 12, 31)))
START, END = date(2018, 1, 1), date(2025, 12, 31)
HALF_LIFE_DAYS = 180
MEETINGS = {"singapore-summit": "Singapura", "hanoi-summit": "Hanoi", "dmz-meeting": "DMZ"}  # the three Trump–Kim meetings
LANE_TOP, LANE_STEP = -2.8, 0.45


def engagement_index(events, day: date) -> float | None:
    """Weighted mean tone of the events up to `day`, each weighing half as much every 180 days."""
    weights = [(0.5 ** ((day - e.date).days / HALF_LIFE_DAYS), e.tone) for e in events if e.date <= day]
    total = sum(w for w, _ in weights)
    return round(sum(w * t for w, t in weights) / total, 3) if total else None


def month_starts(start: date = START, end: date = END) -> list[date]:
    months, current = [], start
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


class StoryMarkers(NamedTuple):
    """What the figure shows of the stories: plain data, cheap to work out and to compare."""
    referring: dict  # event id -> how many stories refer to it
    lanes: tuple  # (lane position, outlet, _story_points) for each outlet with stories


def story_markers(stories, referring: dict, outlets, t: dict, archive_page) -> StoryMarkers:
    """`referring`: the stories that refer to each event (views.stories_by_event); `archive_page`:
    the URL of the archive page that lists a story (pages.ArchivePlaces.url)."""
    counts = {event_id: len(items) for event_id, items in referring.items()}
    by_outlet: dict[str, list] = {}
    for story in stories:
        by_outlet.setdefault(story.outlet.key, []).append(story)
    return StoryMarkers(counts, tuple((lane, outlet, tuple(_story_points(by_outlet[outlet.key], t, archive_page)))
                                      for lane, outlet in enumerate(outlets) if outlet.key in by_outlet))


def base_figure(events, referring: dict, outlets, t: Strings) -> dict:
    """The figure without the stories' traces (with_stories), drawn with plotly: the engagement
    index, the events (with how many stories refer to each: `referring`), the layout. As plain
    data (data, layout, config), with stable keys and no random ids."""
    import plotly.graph_objects as go

    fig = go.Figure()
    index = [(m, v) for m, v in ((m, engagement_index(events, m)) for m in month_starts()) if v is not None]
    fig.add_trace(go.Scatter(  # hover text written here: Plotly would show "Jun 2018: 0.35", in English
        x=[m.isoformat() for m, _ in index], y=[v for _, v in index],
        text=[f'{dates.event_label(m, "month")}: {t.number(v, 2)}' for m, v in index],
        mode="lines", name=t["chart_index"], line={"color": "#555555", "width": 2, "shape": "spline"},
        hovertemplate="%{text}<extra>" + t["chart_index"] + "</extra>"))
    for kind, (colour, symbol) in KIND_STYLE.items():
        chosen = [e for e in events if e.kind == kind]
        if chosen:
            fig.add_trace(_event_trace(go, chosen, kind, colour, symbol, referring, t))
    fig.update_layout(_layout(events, outlets, t))
    figure = fig.to_plotly_json()
    return {"data": figure["data"], "layout": figure["layout"],
            "config": {"responsive": True, "scrollZoom": False, "displayModeBar": False, "locale": "id"},
            "locale": _locale(t.language)}


def with_stories(base: dict, markers: StoryMarkers, t: Strings) -> dict:
    """The figure: `base` (base_figure) with a trace of each outlet's stories after its traces."""
    traces = [story_trace(outlet, points, _lane(lane), OUTLET_COLOURS[position % len(OUTLET_COLOURS)], t)
              for position, (lane, outlet, points) in enumerate(markers.lanes)]
    return {**base, "data": [*base["data"], *traces]}


def _locale(language: str) -> dict:
    """The "id" locale for plotly.js (Plotly.register, in chart.js), which the basic bundle lacks:
    the axis's dates in Indonesian ("Mei 2025", not "May 2025") and numbers with the site
    language's separators."""
    thousands, decimal = numerals.separators(language)
    days = [dates.DAYS[-1], *dates.DAYS[:-1]]  # plotly's weeks start on Sunday
    return {"moduleType": "locale", "name": "id", "dictionary": {},
            "format": {"days": days, "shortDays": [day[:3] for day in days],
                       "months": list(dates.MONTHS), "shortMonths": [month[:3] for month in dates.MONTHS],
                       "date": "%d/%m/%Y", "decimal": decimal, "thousands": thousands or " "}}


def _event_trace(go, events, kind, colour, symbol, referring, t):
    return go.Scatter(
        x=[e.date.isoformat() for e in events], y=[e.tone for e in events], mode="markers",
        name=t["kind_" + kind], legendgroup="events",
        marker={"color": colour, "symbol": symbol, "size": 13, "line": {"width": 1, "color": "#ffffff"}},
        customdata=[[f"#event-{e.id}", dates.event_label(e.date, e.precision), e.title, t["kind_" + kind],
                     f"{e.tone:+d}" if e.tone else "0", referring.get(e.id, 0)] for e in events],
        hovertemplate=("<b>%{customdata[2]}</b><br>%{customdata[1]} · %{customdata[3]}<br>"
                       + t["tone"] + ": %{customdata[4]} · " + t["chart_stories_referring"]
                       + ": %{customdata[5]}<extra></extra>"))


def story_trace(outlet, points, lane: float, colour: str, t) -> dict:
    """An outlet's stories (_story_points) as a trace: what plotly's to_plotly_json gives of a
    go.Scatter of them, made without plotly (tests/test_chart.py holds the two equal), so that a
    story added or retitled draws no figure with plotly (0.1 s at 10,000 stories, importing it)."""
    return {"type": "scatter", "x": [day for day, _ in points], "y": [lane] * len(points), "mode": "markers",
            "name": outlet.name, "legendgroup": "stories", "legendgrouptitle": {"text": t["chart_stories"]},
            "marker": {"color": colour, "symbol": "circle-open", "size": 12, "line": {"width": 3}},
            "customdata": [data for _, data in points],
            "hovertemplate": "<b>%{customdata[1]}</b><br>" + outlet.name + ", %{customdata[2]}<extra></extra>"}


def _story_points(stories, t, archive_page) -> list[tuple[str, list]]:
    """One marker per story, linking to it; where the outlet published several stories in one
    month, one marker for the month, linking to the page of that year's archive that lists the
    newest of them, so the chart stays light however many stories there are."""
    by_month: dict[tuple[int, int], list] = {}
    for story in stories:
        day = dates.as_datetime(story.article.published).date()
        by_month.setdefault((day.year, day.month), []).append((day, story))
    points = []
    for (year, month), items in by_month.items():
        if len(items) == 1:
            day, story = items[0]
            points.append((day.isoformat(), [urls.relative(story.url, urls.TIMELINE), story.article.title,
                                             story.published_short]))
        else:
            middle = date(year, month, 15)
            newest = items[-1][1]
            points.append((middle.isoformat(), [urls.relative(archive_page(newest), urls.TIMELINE),
                                                t.fill("chart_story_count", count=len(items)),
                                                dates.event_label(middle, "month")]))
    return points


def _lane(position: int) -> float:
    return round(LANE_TOP - LANE_STEP * position, 2)


def _layout(events, outlets, t) -> dict:
    ticks = [(tone, t[f"tone_{tone}"].replace(" ", "<br>")) for tone in (-2, -1, 0, 1, 2)]
    ticks += [(_lane(i), o.name) for i, o in enumerate(outlets)]
    by_id = {e.id: e for e in events}
    return {
        "template": "none", "height": 760, "dragmode": False, "hovermode": "closest",
        "font": {"family": "system-ui, sans-serif", "size": 12, "color": "#1c1b19"},
        "margin": {"l": 8, "r": 16, "t": 56, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0, "font": {"size": 11}},
        "xaxis": {"type": "date", "range": [START.isoformat(), END.isoformat()],
                  "rangeslider": {"visible": True, "thickness": 0.06}, "showgrid": False},
        "yaxis": {"range": [_lane(len(outlets) - 1) - 0.4, 2.6], "fixedrange": True, "zeroline": True,
                  "automargin": True,
                  "tickvals": [value for value, _ in ticks], "ticktext": [label for _, label in ticks],
                  "gridcolor": "#e6e2da"},
        "shapes": [_term_band(start, end, i) for i, (_, start, end) in enumerate(TERMS)],
        "annotations": [_term_label(name, start, end) for name, start, end in TERMS]
                       + [_meeting_note(by_id[m], label) for m, label in MEETINGS.items() if m in by_id],
        "updatemenus": [{"type": "buttons", "direction": "right", "x": 0, "y": 1.12, "xanchor": "left",
                         "showactive": False, "pad": {"r": 4},
                         "buttons": [_range_button(label, start, end) for label, start, end in (
                             ("2018–19", "2018-01-01", "2019-12-31"), ("2020–24", "2020-01-01", "2024-12-31"),
                             ("2025", "2025-01-01", "2025-12-31"), (t["chart_all"], START.isoformat(), END.isoformat()))]}],
    }


def _term_band(start: date, end: date, index: int) -> dict:
    fill = ("#fdebd3", "#dbe9f6", "#fdebd3")[index]
    return {"type": "rect", "xref": "x", "yref": "paper", "x0": start.isoformat(), "x1": end.isoformat(),
            "y0": 0, "y1": 1, "fillcolor": fill, "opacity": 0.5, "line": {"width": 0}, "layer": "below"}


def _term_label(name: str, start: date, end: date) -> dict:
    middle = start + timedelta(days=(end - start).days // 2)
    return {"x": middle.isoformat(), "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom",
            "text": name, "showarrow": False, "font": {"size": 11, "color": "#55524c"}}


def _meeting_note(event, label: str) -> dict:
    return {"x": event.date.isoformat(), "y": event.tone, "text": label, "showarrow": True, "arrowhead": 0,
            "ax": 0, "ay": 30, "font": {"size": 11, "color": "#0b3d66"}, "bgcolor": "rgba(255,255,255,0.85)"}


def _range_button(label: str, start: str, end: str) -> dict:
    return {"label": label, "method": "relayout", "args": [{"xaxis.range": [start, end]}]}


def summary(events, stories, t: dict) -> dict:
    """Figures for the chart's text alternative, computed from the same data."""
    index = [(m, engagement_index(events, m)) for m in month_starts()]
    index = [(m, v) for m, v in index if v is not None]
    high = max(index, key=lambda mv: (mv[1], -mv[0].toordinal()))
    low = min(index, key=lambda mv: (mv[1], mv[0].toordinal()))
    return {"events": len(events), "first": events[0], "last": events[-1],
            "warm": sum(1 for e in events if e.tone > 0), "hostile": sum(1 for e in events if e.tone < 0),
            "high": (dates.MONTHS[high[0].month - 1] + f" {high[0].year}", high[1]),
            "low": (dates.MONTHS[low[0].month - 1] + f" {low[0].year}", low[1]),
            "stories": len(stories), "half_life": HALF_LIFE_DAYS}

"""Load realistic demo members and their connection graph.

    manage.py seed_demo --members 3000 [--seed 1] [--password P] [--reset]
    manage.py seed_demo --check          exit 0 if demo data is loaded, 1 if not
    manage.py seed_demo --print-logins   a few demo logins to try

Demo members are the accounts whose e-mail address is @demo.linkup.local:
that is how a rerun recognises them, and how --reset finds what to delete.
The graph comes from connections.generators.social_graph, and members of one
community share an employer, a city and often a school, so clusters in the
graph line up with what profiles say.

Speed: members are built in Python, but every row reaches Postgres through
COPY, one password hash is computed once and shared, and the loaded tables'
foreign keys and non-unique indexes are dropped for the load and rebuilt
after it (the PostgreSQL manual's advice for populating a database). All of
it is one transaction: a failed run leaves the database as it was.
"""

from __future__ import annotations

import io
import re
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from random import Random
from typing import Any

import numpy as np
import numpy.typing as npt
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection as db
from django.db import models, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from connections import graph
from connections.generators import (
    SocialGraph,
    adjacency,
    clustering_sample,
    degree_counts,
    social_graph,
)
from connections.models import Connection
from profiles import demo_data as data
from profiles.industries import Industry
from profiles.models import Education, Position, Profile, Skill, User

DEMO_DOMAIN = "demo.linkup.local"
DEMO_PASSWORD = "linkup-demo"  # noqa: S105 - public demo login, printed on purpose
DEMO_HANDLE = "demo"
DEMO_NAME = "Dana Demo"
ADMIN_HANDLE = "admin"
ADMIN_PASSWORD = "linkup-admin"  # noqa: S105 - likewise
# The demo member and three showcase members get the first ids of a load,
# which is how --print-logins finds them again: demo, then a well-connected
# member in software, one in aviation and one in publishing.
SHOWCASE_INDUSTRIES = ("computer-software", "aviation", "publishing")
MIN_MEMBERS = 20
MEMBER_CHUNK = 20_000  # members per round of COPYs
EDGE_CHUNK = 200_000  # connection rows per COPY
TABLES: tuple[type[models.Model], ...] = (
    User,
    Profile,
    Position,
    Education,
    Skill,
    EmailAddress,
    Connection,
)
NULL = r"\N"
YES, NO = "t", "f"


def demo_members() -> models.QuerySet[User]:
    return User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}")


class Command(BaseCommand):
    help = "Load N realistic demo members and their connection graph (COPY); see --help."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=3000, help="how many (default 3000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help=f"for every demo member ({DEMO_PASSWORD})"
        )
        parser.add_argument(
            "--mean-degree", type=float, default=32.0, help="connections per member (32)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo data already loaded first"
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check", action="store_true", help="exit 0 if demo data is loaded, 1 if not"
        )
        mode.add_argument("--print-logins", action="store_true", help="print demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbose = options["verbosity"] >= 1
        if options["check"]:
            self.check_loaded()
        elif options["print_logins"]:
            self.print_logins()
        else:
            if options["members"] < MIN_MEMBERS:
                raise CommandError(f"--members must be at least {MIN_MEMBERS}")
            if not options["password"]:
                raise CommandError("--password must not be empty")
            self.seed(
                members=options["members"],
                seed=options["seed"],
                password=options["password"],
                mean_degree=options["mean_degree"],
                reset=options["reset"],
            )
            self.print_logins()

    # --check and --print-logins

    def check_loaded(self) -> None:
        if not User.objects.filter(username=DEMO_HANDLE, email=f"demo@{DEMO_DOMAIN}").exists():
            raise CommandError("No demo data is loaded.", returncode=1)
        self.stdout.write(f"Demo data is loaded: {demo_members().count():,} demo accounts.")

    def print_logins(self) -> None:
        showcase = list(
            demo_members()
            .exclude(username=ADMIN_HANDLE)
            .select_related("profile")
            .order_by("pk")[: 1 + len(SHOWCASE_INDUSTRIES)]
        )
        if not showcase:
            raise CommandError("No demo data is loaded: run seed_demo --members N first.")
        self.stdout.write("Demo logins (handle or e-mail, password):")
        known: dict[str, bool] = {}
        for user in showcase:
            # Every demo member shares one hash: check the default password once.
            if user.password not in known:
                known[user.password] = check_password(DEMO_PASSWORD, user.password)
            password = DEMO_PASSWORD if known[user.password] else "(the --password of seed_demo)"
            about = ""
            profile = getattr(user, "profile", None)
            if profile is not None:
                industry = Industry(profile.industry).label if profile.industry else "-"
                about = f"{profile.full_name}, {industry}, {profile.location}, "
            connections = graph.connection_count(user.pk)
            self.stdout.write(
                f"  {user.username:<20} {user.email:<40} {password}   ({about}{connections:,}"
                " connections)"
            )
        admin = demo_members().filter(username=ADMIN_HANDLE, is_superuser=True).first()
        if admin is not None:
            self.stdout.write(
                f"Admin, for /admin/:\n  {ADMIN_HANDLE:<20} {admin.email:<40} {ADMIN_PASSWORD}"
            )

    # Loading

    def seed(
        self, *, members: int, seed: int, password: str, mean_degree: float, reset: bool
    ) -> None:
        started = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(name: str, since: float) -> float:
            now = time.perf_counter()
            timings[name] = now - since
            return now

        t = time.perf_counter()
        # At least a dozen regions (cities), even in a small demo.
        region_size = max(250, min(20_000, members // 12))
        g = social_graph(members, seed=seed, mean_degree=mean_degree, region_size=region_size)
        world = _World.build(g, seed=seed)
        t = lap("graph", t)
        now = timezone.now().replace(microsecond=0)
        password_hash = make_password(password)  # once: hashing per member would take hours

        with transaction.atomic(), db.cursor() as cur:
            # Pending deferred constraint checks (from earlier work in this
            # transaction) make Postgres refuse the DDL below: run them now.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(f"LOCK TABLE {_q(User._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")
            existing = demo_members().count()
            if existing and not reset:
                raise CommandError(
                    f"Demo data is already loaded ({existing:,} demo accounts @{DEMO_DOMAIN}). "
                    "Run seed_demo --reset to replace it, or --print-logins to use it."
                )
            real_members = User.objects.exclude(email__iendswith=f"@{DEMO_DOMAIN}")
            only_demo = bool(existing) and not real_members.exists()
            if only_demo:
                _truncate_members(cur)  # before the foreign keys go: CASCADE follows them
            restore = _drop_indexes_and_foreign_keys(cur)
            if existing and not only_demo:
                _delete_demo_members(cur)
            if User.objects.filter(username=DEMO_HANDLE).exists():
                raise CommandError(
                    f"The handle {DEMO_HANDLE!r} belongs to a member who is not demo data "
                    f"(not @{DEMO_DOMAIN}); rename or delete that member first."
                )
            t = lap("reset", t)

            first_id = _next_user_id(cur)
            taken = set(User.objects.values_list("username", flat=True))
            builder = _MemberBuilder(world, seed=seed, now=now, taken=taken)
            ids = first_id + world.load_order_rank  # node -> member id
            self._copy_members(cur, builder, ids, password_hash, now)
            t = lap("members", t)
            rows = self._copy_connections(cur, g, ids, builder.joined, now, seed=seed)
            t = lap("connections", t)

            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in self._bar(restore, "indexes", "index"):
                cur.execute(statement)
            t = lap("indexes", t)
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [User._meta.db_table, int(ids.max())],
            )
            self._create_admin()
            for model in self._bar(TABLES, "analyze", "table"):
                cur.execute(f"ANALYZE {_q(model._meta.db_table)}")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            lap("analyze", t)

        total = time.perf_counter() - started
        self._report(g, ids, members=members, rows=rows, total=total, timings=timings)
        demo = User.objects.filter(username=DEMO_HANDLE).first()
        if demo is not None:
            from profiles.demo_activity import seed_activity

            made = seed_activity(demo)
            self.stdout.write(f"Demo activity around @{DEMO_HANDLE}: {', '.join(made) or 'none'}.")

    def _copy_members(
        self,
        cur: CursorWrapper,
        builder: _MemberBuilder,
        ids: npt.NDArray[np.int64],
        password_hash: str,
        now: datetime,
    ) -> None:
        tables = _MemberTables(now)
        # In id order: the showcase members come first and get the plainest
        # handles, and the primary key indexes fill from left to right.
        nodes = np.argsort(ids).tolist()
        with tqdm(total=len(nodes), desc="members", unit=" members", **self._tqdm()) as bar:
            for start in range(0, len(nodes), MEMBER_CHUNK):
                chunk = nodes[start : start + MEMBER_CHUNK]
                for node in chunk:
                    builder.write(node, int(ids[node]), password_hash, tables)
                tables.flush(cur)
                bar.update(len(chunk))

    def _copy_connections(
        self,
        cur: CursorWrapper,
        g: SocialGraph,
        ids: npt.NDArray[np.int64],
        joined: npt.NDArray[np.float64],
        now: datetime,
        *,
        seed: int,
    ) -> int:
        rng = np.random.default_rng(seed + 2)
        a, b = g.edges[:, 0], g.edges[:, 1]
        m = len(a)
        # A connection is made some time after both members joined.
        since = np.maximum(joined[a], joined[b])
        made = (since + rng.random(m) * (now.timestamp() - since)).astype("datetime64[s]")
        # Two rows per connection, (a, b) and (b, a), in primary-key order so
        # the primary key index is filled from left to right.
        member = np.concatenate((ids[a], ids[b]))
        other = np.concatenate((ids[b], ids[a]))
        order = np.argsort(member * (int(ids.max()) + 1) + other, kind="stable")
        pair = np.concatenate((np.arange(m), np.arange(m)))[order]
        member, other = member[order], other[order]
        # A few rows carry the member's private note about the other.
        noted = rng.random(2 * m) < 0.01
        notes = data.CONNECTION_NOTES
        buffer = _CopyBuffer(Connection, ["member_id", "other_id", "created_at", "note"], now)
        rows = 2 * m
        with tqdm(total=rows, desc="connections", unit=" rows", **self._tqdm()) as bar:
            for start in range(0, rows, EDGE_CHUNK):
                stop = min(start + EDGE_CHUNK, rows)
                tail = buffer.tail
                for i, x, y, s, has_note in zip(
                    range(start, stop),
                    member[start:stop].tolist(),
                    other[start:stop].tolist(),
                    np.datetime_as_string(made[pair[start:stop]], timezone="UTC").tolist(),
                    noted[start:stop].tolist(),
                    strict=True,
                ):
                    note = notes[i % len(notes)] if has_note else ""
                    buffer.lines.append(f"{x}\t{y}\t{s}\t{note}{tail}\n")
                buffer.flush(cur)
                bar.update(stop - start)
        return rows

    def _create_admin(self) -> None:
        if User.objects.filter(username=ADMIN_HANDLE).exists():
            self.stdout.write(f"Not creating {ADMIN_HANDLE!r}: a member with that handle exists.")
            return
        email = f"{ADMIN_HANDLE}@{DEMO_DOMAIN}"
        admin = User.objects.create_superuser(ADMIN_HANDLE, email, ADMIN_PASSWORD)
        Profile.objects.create(user=admin, full_name="LinkUp Admin", headline="Site administrator")
        EmailAddress.objects.create(user=admin, email=email, verified=True, primary=True)

    def _report(
        self,
        g: SocialGraph,
        ids: npt.NDArray[np.int64],
        *,
        members: int,
        rows: int,
        total: float,
        timings: dict[str, float],
    ) -> None:
        if not self.verbose:
            return
        n = len(ids)
        indptr, indices = adjacency(g.edges, n)
        degree = np.diff(indptr)
        demo_node = int(np.argmin(ids))
        counts = degree_counts(indptr, indices, demo_node)
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        self.stdout.write(
            f"Seeded {members:,} members and {rows // 2:,} connections ({rows:,} rows) "
            f"in {total:.1f} s ({phases})."
        )
        self.stdout.write(
            f"Graph: mean degree {degree.mean():.1f}, median {np.median(degree):.0f}, "
            f"max {degree.max():,}; clustering {clustering_sample(indptr, indices):.2f}; "
            f"{DEMO_HANDLE}: {counts[0]:,} connections, {counts[1]:,} 2nd-degree, "
            f"{counts[2]:,} 3rd-degree."
        )

    def _bar(self, items: Sequence[Any], desc: str, unit: str) -> Iterator[Any]:
        return iter(tqdm(items, desc=desc, unit=f" {unit}", **self._tqdm()))

    def _tqdm(self) -> dict[str, Any]:
        return {"file": sys.stderr, "disable": not self.verbose, "leave": True}


# The world: what members of one community share.


@dataclass
class _World:
    """The generated graph and what the members of each community share."""

    graph: SocialGraph
    industry: list[str]  # per community
    company: list[str]  # per community
    city: list[int]  # per community: index into data.CITIES
    school: list[str]  # per community
    companies: dict[str, list[str]]  # per industry: its employers, biggest first
    showcase: dict[int, str]  # node -> forced industry (demo first)
    load_order_rank: npt.NDArray[np.int64]  # node -> position in the load (showcase first)

    @classmethod
    def build(cls, g: SocialGraph, *, seed: int) -> _World:
        rng = Random(seed)
        n = len(g.community)
        n_comm = int(g.community.max()) + 1
        codes = list(data.INDUSTRIES)
        weights = [w for _, w in data.INDUSTRIES.values()]
        industry = rng.choices(codes, weights, k=n_comm)

        showcase = _pick_showcase(g)
        for node, code in showcase.items():
            industry[int(g.community[node])] = code

        companies = _employers(industry, rng)
        # A few big employers and many small ones: Zipf weights over each pool.
        company = [
            rng.choices(pool, [1 / (i + 1) for i in range(len(pool))])[0]
            for pool in (companies[code] for code in industry)
        ]
        city_weights = [c[3] for c in data.CITIES]
        region_city = rng.choices(range(len(data.CITIES)), city_weights, k=len(g.region))
        city = [
            region_city[r]
            if rng.random() < 0.9
            else rng.choices(range(len(data.CITIES)), city_weights)[0]
            for r in g.region.tolist()
        ]
        school = [rng.choice(data.SCHOOLS) for _ in range(n_comm)]

        rank = np.empty(n, dtype=np.int64)
        first = list(showcase)
        rest = np.setdiff1d(np.arange(n), np.array(first, dtype=np.int64))
        rank[np.array(first, dtype=np.int64)] = np.arange(len(first))
        rank[rest] = np.arange(len(first), n)
        return cls(g, industry, company, city, school, companies, showcase, rank)


def _employers(community_industry: list[str], rng: Random) -> dict[str, list[str]]:
    """Fictional employers of every industry: about one per two of its communities.

    Names are unique across industries while a sector's word lists last;
    past that (large loads), industries share names, like offices of one firm.
    """
    compounds = [p + r for p in data.COMPANY_PREFIXES for r in data.COMPANY_ROOTS]
    names: dict[str, list[str]] = {}
    for sector_name, sector in data.SECTORS.items():
        words = sector.company_first + compounds
        every = [f"{a} {b}" for a in words for b in sector.company_second]
        rng.shuffle(every)
        left = every
        for code, (in_sector, _) in data.INDUSTRIES.items():
            if in_sector != sector_name:
                continue
            wanted = 3 + community_industry.count(code) // 2
            taken, left = left[:wanted], left[wanted:]
            names[code] = taken or rng.sample(every, min(wanted, len(every)))
    return names


def _pick_showcase(g: SocialGraph) -> dict[int, str]:
    """The demo member and three well-connected members, with their industries.

    The demo member is a typical member with about 60 connections: of the
    nodes nearest that degree, the one with the median 2nd-degree count. The
    three come from just below the top of the degree ranking (the top 0.1%
    are super-connectors with untypical pages), each from a different
    community, whose industry becomes the showcase member's.
    """
    n = len(g.community)
    indptr, indices = adjacency(g.edges, n)
    degree = np.diff(indptr)
    near = np.argsort(np.abs(degree - 60), kind="stable")[:25]
    second = [degree_counts(indptr, indices, int(node), depth=2)[1] for node in near]
    demo = int(near[np.argsort(second, kind="stable")[len(near) // 2]])

    chosen = {demo: "computer-software"}
    communities = {int(g.community[demo])}
    order = np.argsort(-degree, kind="stable").tolist()
    skip = n // 1000
    for distinct in (True, False):  # tiny graphs may have too few communities
        for node in order[skip:] + order[:skip]:
            if len(chosen) > len(SHOWCASE_INDUSTRIES):
                return chosen
            community = int(g.community[node])
            if node in chosen or (distinct and community in communities):
                continue
            chosen[node] = SHOWCASE_INDUSTRIES[len(chosen) - 1]
            communities.add(community)
    return chosen


# Members


# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "Ł": "L"})


@cache
def _slug(text: str) -> str:
    """ASCII, lowercase, hyphens: "Gonçalo O'Brien" -> "goncalo-obrien"."""
    folded = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    folded = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.replace("'", "").lower()).strip("-")


def _month(index: int) -> str:
    """Months counted from year 0 -> the ISO date of the first day of that month."""
    return date(index // 12, index % 12 + 1, 1).isoformat()


class _MemberTables:
    """One COPY buffer per table a member is written to."""

    def __init__(self, now: datetime) -> None:
        self.users = _CopyBuffer(
            User,
            ["id", "password", "username", "email", "date_joined", "is_active", "is_staff",
             "is_superuser", "is_suspended", "suspension_reason"],
            now,
        )  # fmt: skip
        self.profiles = _CopyBuffer(
            Profile,
            ["user_id", "full_name", "headline", "summary", "industry", "location",
             "contact_email", "phone", "website", "created_at", "updated_at"],
            now,
            # A bulk load is no "change since" for the search's match sets
            # (profiles.search_memory): every set read after it includes these rows.
            constants={"search_changed_at": "-infinity"},
        )  # fmt: skip
        self.positions = _CopyBuffer(
            Position,
            ["profile_id", "title", "organization", "start_date", "end_date", "is_current",
             "description"],
            now,
        )  # fmt: skip
        self.education = _CopyBuffer(
            Education,
            ["profile_id", "school", "degree", "field_of_study", "start_year", "end_year"],
            now,
        )
        self.skills = _CopyBuffer(Skill, ["profile_id", "name"], now)
        self.emails = _CopyBuffer(EmailAddress, ["user_id", "email", "verified", "primary"], now)

    def flush(self, cur: CursorWrapper) -> None:
        # Parents before children: foreign keys are dropped during the load,
        # but keep the order right for anyone who reads this as a recipe.
        for buffer in (
            self.users,
            self.profiles,
            self.positions,
            self.education,
            self.skills,
            self.emails,
        ):
            buffer.flush(cur)


class _MemberBuilder:
    """Writes one member's rows: account, profile, career, education, skills, e-mail."""

    def __init__(self, world: _World, *, seed: int, now: datetime, taken: set[str]) -> None:
        self.world = world
        self.rng = Random(seed + 1)
        self.today = now.date()
        self.now = now
        self.taken = taken | {DEMO_HANDLE, ADMIN_HANDLE} | set(settings.ACCOUNT_USERNAME_BLACKLIST)
        n = len(world.graph.community)
        # Sign-up times from 2012 to a day ago, more of them recent; the
        # showcase members are early adopters.
        start = datetime(2012, 1, 1, tzinfo=UTC).timestamp()
        span = now.timestamp() - 86_400 - start
        nrng = np.random.default_rng(seed + 3)
        self.joined = start + span * nrng.random(n) ** 0.7
        for node in world.showcase:
            self.joined[node] = start + span * 0.05 * nrng.random()
        self.joined_text = np.datetime_as_string(
            self.joined.astype("datetime64[s]"), unit="s", timezone="UTC"
        ).tolist()
        self.city_weights = [c[3] for c in data.CITIES]
        self.industry_codes = list(data.INDUSTRIES)
        self.industry_weights = [w for _, w in data.INDUSTRIES.values()]
        self.pools = list(data.FIRST_NAMES)

    def write(self, node: int, member_id: int, password_hash: str, out: _MemberTables) -> None:
        rng, world = self.rng, self.world
        community = int(world.graph.community[node])
        showcase = node in world.showcase  # complete profiles for the showcase

        if showcase:
            industry = world.showcase[node]
        elif rng.random() < 0.85:
            industry = world.industry[community]
        else:
            industry = rng.choices(self.industry_codes, self.industry_weights)[0]
        sector_name = data.INDUSTRIES[industry][0]
        sector = data.SECTORS[sector_name]
        if rng.random() < 0.85:
            city_index = world.city[community]
        else:
            city_index = rng.choices(range(len(data.CITIES)), self.city_weights)[0]
        city, calling_code, lean, _ = data.CITIES[city_index]
        town = city.split(",")[0]

        if world.load_order_rank[node] == 0:
            first, last = DEMO_NAME.split(" ")
            handle = DEMO_HANDLE
        else:
            pool = lean if rng.random() < 0.65 else rng.choice(self.pools)
            first = rng.choice(data.FIRST_NAMES[pool])
            if rng.random() < 0.1:
                pool = rng.choice(self.pools)
            last = rng.choice(data.LAST_NAMES[pool])
            handle = self._handle(first, last)
        email = f"{handle}@{DEMO_DOMAIN}"

        experience = min(38, 1 + int(rng.gammavariate(2.0, 5.5)))
        if showcase:
            experience = max(experience, 8)
        study, career_start = self._education(member_id, sector, community, experience, out)
        skills = self._skills(sector, 8 if showcase else rng.randint(3, 8))
        for skill in skills:
            out.skills.add(str(member_id), skill)
        title, company, previous = self._career(
            member_id, industry, sector, community, career_start, skills, town, showcase, out
        )

        words = {
            "title": title,
            "company": company,
            "previous": previous,
            "skill1": skills[0],
            "skill2": skills[1],
            "skill3": skills[2],
            "field": study,
            "city": town,
            "years": experience,
            "sector_phrase": data.SECTOR_PHRASES[sector_name],
        }
        headline = rng.choice(data.HEADLINES).format(**words)
        summary = ""
        if showcase or rng.random() < 0.55:
            parts = (data.SUMMARY_OPENINGS, data.SUMMARY_MIDDLES, data.SUMMARY_CLOSINGS)
            summary = " ".join(filter(None, (rng.choice(p).format(**words) for p in parts)))
        contact_email = phone = website = ""
        if showcase or rng.random() < 0.5:
            contact_email = f"{_slug(first)}.{_slug(last)}@{rng.choice(data.WEB_DOMAINS)}"
        if showcase or rng.random() < 0.3:
            phone = f"+{calling_code} 555 01{rng.randint(0, 99):02d}"
        if showcase or rng.random() < 0.2:
            website = f"https://{handle}.{rng.choice(data.WEB_DOMAINS)}/"

        joined = self.joined_text[node]
        out.users.add(str(member_id), password_hash, handle, email, joined, YES, NO, NO, NO, "")
        out.profiles.add(
            str(member_id), f"{first} {last}", headline, summary, industry, city,
            contact_email, phone, website, joined, joined,
        )  # fmt: skip
        out.emails.add(str(member_id), email, YES, YES)

    def _education(
        self,
        member_id: int,
        sector: data.Sector,
        community: int,
        experience: int,
        out: _MemberTables,
    ) -> tuple[str, int]:
        """A bachelor's, sometimes a master's or doctorate. Returns (field, career start year)."""
        rng = self.rng
        graduated = self.today.year - experience
        study = rng.choice(sector.fields)
        # Many members of a community studied at its school (alumni clusters).
        school = self.world.school[community] if rng.random() < 0.4 else rng.choice(data.SCHOOLS)
        length = rng.choice((3, 4))
        out.education.add(
            str(member_id), school, rng.choice(data.DEGREES_BACHELOR), study,
            str(graduated - length), str(graduated),
        )  # fmt: skip
        if rng.random() < 0.35 and experience > 4:
            doctor = rng.random() < 0.08
            length = 4 if doctor else rng.choice((1, 2))
            out.education.add(
                str(member_id), rng.choice(data.SCHOOLS),
                data.DEGREE_DOCTOR if doctor else rng.choice(data.DEGREES_MASTER),
                rng.choice(sector.fields), str(graduated), str(graduated + length),
            )  # fmt: skip
            graduated += length
        return study, graduated

    def _career(
        self,
        member_id: int,
        industry: str,
        sector: data.Sector,
        community: int,
        career_start: int,
        skills: list[str],
        town: str,
        showcase: bool,
        out: _MemberTables,
    ) -> tuple[str, str, str]:
        """1-4 positions from graduation to today, the last one current.

        Returns the current title, the current employer and the previous one.
        """
        rng, world = self.rng, self.world
        today = self.today.year * 12 + self.today.month - 1  # in months
        start = min(career_start * 12 + rng.randint(5, 9), today - rng.randint(1, 6))
        span = today - start
        most = max(1, min(4, 1 + span // 24, span // 6))
        count = most if showcase else rng.randint(max(1, most - 2), most)
        # Stints of at least six months, of random lengths.
        weights = [rng.random() + 0.3 for _ in range(count)]
        spare, total = span - 6 * count, sum(weights)
        starts = [start]
        for w in weights[:-1]:
            starts.append(starts[-1] + 6 + int(spare * w / total))

        track = rng.choice(
            [sector.tracks[i] for i in data.INDUSTRY_TRACKS.get(industry, [])] or sector.tracks
        )
        pace = rng.uniform(2.5, 5.0)  # years per step up the ladder
        pool = world.companies[industry]
        # Most of a community works for its employer, if in its industry.
        if world.industry[community] == industry and rng.random() < 0.8:
            employers = [world.company[community]]
        else:
            employers = [rng.choice(pool)]
        for _ in starts[1:]:  # earlier employers, most recent first, no two in a row alike
            for _ in range(3):
                other = (
                    pool if rng.random() < 0.7 else world.companies[rng.choice(self.industry_codes)]
                )
                employer = rng.choice(other)
                if employer != employers[-1]:
                    break
            employers.append(employer)
        employers.reverse()

        title = track[0]
        for j, begin in enumerate(starts):
            current = j == count - 1
            level = int((begin - start) / 12 / pace + rng.random() * 0.6)
            title = track[min(len(track) - 1, level)]
            end = NULL if current else _month(max(begin, starts[j + 1] - rng.choice((0, 0, 1))))
            description = ""
            if showcase or rng.random() < 0.4:
                picked = rng.sample(skills, 2)
                description = rng.choice(data.POSITION_DESCRIPTIONS).format(
                    team=rng.randint(3, 12),
                    skill1=picked[0],
                    skill2=picked[1],
                    unit=rng.choice(data.UNITS),
                    pct=rng.choice((15, 20, 30, 40)),
                    count=rng.randint(5, 40),
                    city=town,
                )
            out.positions.add(
                str(member_id), title, employers[j], _month(begin), end,
                YES if current else NO, description,
            )  # fmt: skip
        return title, employers[-1], employers[-2] if count > 1 else employers[-1]

    def _handle(self, first: str, last: str) -> str:
        """first-last, or first-last-1234 when taken: unique, valid, at most 30 characters."""
        base = f"{_slug(first)}-{_slug(last)}"[:30].strip("-")
        handle = base if len(base) >= 3 else f"{base}-member"
        while handle in self.taken:
            handle = f"{base[:24].strip('-')}-{self.rng.randint(10, 99999)}"
        self.taken.add(handle)
        return handle

    def _skills(self, sector: data.Sector, count: int) -> list[str]:
        """`count` skills of the sector, sometimes one general skill among them."""
        skills = self.rng.sample(sector.skills, count)
        extra = self.rng.choice(data.GENERAL_SKILLS)
        # Skill names are unique per profile, case-insensitively.
        if self.rng.random() < 0.4 and extra.lower() not in {s.lower() for s in skills}:
            skills[-1] = extra
        return skills


# COPY and the indexes around it


def _q(name: str) -> str:
    return db.ops.quote_name(name)


def _default_text(f: models.Field[Any, Any], now: datetime) -> str:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        value: object = now
    else:
        value = f.get_default()
    if value is None:
        return NULL
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _CopyBuffer:
    """Rows of one table in COPY text format, sent in chunks.

    Columns seed_demo does not know (a field added by a later migration) get
    the model field's default, so a new field with a default does not break
    seeding.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: list[str],
        now: datetime,
        constants: dict[str, str] | None = None,
    ) -> None:
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns and not isinstance(f, models.AutoField)
        ]
        self.table = model._meta.db_table
        constants = constants or {}
        self.columns = [*columns, *(f.column for f in rest), *constants]
        self.tail = "".join("\t" + _default_text(f, now) for f in rest)
        self.tail += "".join("\t" + value for value in constants.values())
        self.lines: list[str] = []

    def add(self, *values: str) -> None:
        self.lines.append("\t".join(values) + self.tail + "\n")

    def flush(self, cur: CursorWrapper) -> None:
        if not self.lines:
            return
        columns = ", ".join(_q(c) for c in self.columns)
        text = io.BytesIO("".join(self.lines).encode())
        self.lines = []
        cur.copy_expert(f"COPY {_q(self.table)} ({columns}) FROM STDIN", text)


def _drop_indexes_and_foreign_keys(cur: CursorWrapper) -> list[str]:
    """Drop what slows a bulk load down; return the SQL that rebuilds it.

    That is the non-unique indexes and the foreign keys of the loaded tables,
    and every foreign key that refers to members. Building an index once
    over loaded rows is several times faster than updating it row by row; a
    foreign key checks every row inserted into the table that holds it, and
    every row deleted from the table it refers to, one by one (a reset that
    deletes 100,000 members would spend most of its time there). Primary keys
    and unique indexes stay: they guard the data being loaded. Rebuilding a
    foreign key checks all rows at once, so nothing goes unchecked.
    """
    tables = [model._meta.db_table for model in TABLES]
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND (conrelid = ANY(%s::regclass[]) OR confrelid = %s::regclass)"
        " ORDER BY 1, 2",
        [tables, User._meta.db_table],
    )
    foreign_keys = []
    for table, name, definition in cur.fetchall():
        cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
        foreign_keys.append(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid)"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY 1",
        [tables],
    )
    indexes = []
    for name, definition in cur.fetchall():
        cur.execute(f"DROP INDEX {_q(name)}")
        indexes.append(definition)
    return indexes + foreign_keys


def _next_user_id(cur: CursorWrapper) -> int:
    """The first member id of this load: past both the largest id and the sequence.

    Ids of deleted demo members are not reused, so an old session cookie can
    never log someone into a new member's account.
    """
    largest = User.objects.aggregate(largest=Max("pk"))["largest"] or 0
    cur.execute(
        "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass)",
        [User._meta.db_table],
    )
    last_value = cur.fetchone()[0] or 0
    return int(max(largest, last_value)) + 1


def _truncate_members(cur: CursorWrapper) -> None:
    """Empty the member tables, when every member is demo data.

    Instant, and it leaves no dead rows behind. CASCADE empties every table
    that refers to members, all of whose rows belong to demo accounts.
    """
    cur.execute(f"TRUNCATE {_q(User._meta.db_table)} CASCADE")


def _delete_demo_members(cur: CursorWrapper) -> None:
    """Delete the demo accounts, and all that hangs off them, from among real members.

    Set-based deletes for the big tables; then the ORM, in chunks, for what
    other apps hang off members, so that their on_delete rules apply.
    """
    demo = demo_members()
    # Rows of other apps that point at demo positions, schools or skills (a
    # recommendation about a position) go first, through the ORM and its rules.
    for resume_model in (Position, Education, Skill):
        relations = [
            f
            for f in resume_model._meta.get_fields(include_hidden=True)
            if isinstance(f, models.ForeignObjectRel) and (f.one_to_many or f.one_to_one)
        ]
        for relation in relations:
            related: Any = relation.related_model
            related._base_manager.filter(
                **{f"{relation.field.name}__profile_id__in": demo.values("pk")}
            ).delete()
    subquery, params = demo.values("pk").query.sql_with_params()
    for model, column in (
        (Connection, "member_id"),
        (Connection, "other_id"),
        (Skill, "profile_id"),
        (Position, "profile_id"),
        (Education, "profile_id"),
        (EmailAddress, "user_id"),
        (Profile, "user_id"),
    ):
        table = _q(model._meta.db_table)
        cur.execute(f"DELETE FROM {table} WHERE {_q(column)} IN ({subquery})", params)  # noqa: S608
    ids = list(demo.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        User.objects.filter(pk__in=ids[start : start + 5000]).delete()

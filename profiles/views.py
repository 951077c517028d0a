from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.forms import BaseForm as Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from common.views import page_member
from connections import graph, network
from connections import selectors as connection_selectors
from connections import services as connection_services
from connections.forms import ConnectForm
from profiles import selectors, services
from profiles.forms import (
    EducationForm,
    PhotoForm,
    PositionForm,
    ProfileForm,
    SearchForm,
    SkillForm,
)
from profiles.models import Education, Position, Profile, Skill
from profiles.search import MemberSearch


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


def home(request: HttpRequest) -> HttpResponse:
    member = page_member(request)
    profile = selectors.own_profile(user=member)
    return render(
        request,
        "profiles/home.html",
        {
            "profile": profile,
            "completeness": selectors.profile_completeness(profile),
            "connection_count": graph.connection_count(member.pk),
            "size": network.network_size(member.pk),
            "run": network.last_run(),
        },
    )


@login_not_required
def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = request.user if request.user.is_authenticated else None
    profile = selectors.profile_for_viewer(handle=handle, viewer=viewer)
    is_self = viewer is not None and viewer.pk == profile.user_id
    network = None
    if viewer is not None and not is_self:
        # A block hides each member from the other: the very 404 of a member who never existed.
        if connection_services.is_blocked_between(viewer.pk, profile.user_id):
            raise Http404("No such member.")
        # Degree, mutual connections, "how you're connected" and the request state.
        network = connection_selectors.profile_network(viewer.pk, profile.user_id)
    return render(
        request,
        "profiles/detail.html",
        {
            "profile": profile,
            "is_self": is_self,
            "show_contact": selectors.can_see_contact(viewer=viewer, member_id=profile.user_id),
            "connection_count": graph.connection_count(profile.user_id),
            "completeness": selectors.profile_completeness(profile) if is_self else None,
            "network": network,
            "rel": network.relationship if network else None,
            "connect_form": ConnectForm() if network else None,
        },
    )


def my_profile(request: HttpRequest) -> HttpResponse:
    return redirect("profile-detail", handle=page_member(request).username)


SEARCH_PAGE_SIZE = 20


def search(request: HttpRequest) -> HttpResponse:
    """People search: the top bar's query and the sidebar's filters, 20 results a page."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "profiles/search.html", {"form": form}, status=400)
    data = form.cleaned_data
    searched = any(value not in ("", None) for value in data.values())
    page = None
    if searched:
        results = MemberSearch(viewer=page_member(request), **data)
        page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "profiles/search.html", {"form": form, "page": page, "searched": searched}
    )


def _edit_context(profile: Profile, **forms: Form) -> dict[str, Any]:
    context: dict[str, Any] = {
        "profile": profile,
        "completeness": selectors.profile_completeness(profile),
        "profile_form": ProfileForm(instance=profile),
        "photo_form": PhotoForm(),
        "position_form": PositionForm(),
        "education_form": EducationForm(),
        "skill_form": SkillForm(),
    }
    context.update(forms)
    return context


def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = selectors.own_profile(user=page_member(request))
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=Profile.objects.get(pk=profile.pk))
        if form.is_valid():
            services.profile_update(profile=profile, data=form.cleaned_data)
            messages.success(request, "Profile saved.")
            return redirect("profile-edit")
        return render(
            request, "profiles/edit.html", _edit_context(profile, profile_form=form), status=400
        )
    return render(request, "profiles/edit.html", _edit_context(profile))


@require_POST
def photo_upload(request: HttpRequest) -> HttpResponse:
    profile = selectors.own_profile(user=page_member(request))
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_set_photo(profile=profile, upload=form.cleaned_data["photo"])
        except ApplicationError as exc:
            form.add_error("photo", exc.message)
        else:
            messages.success(request, "Photo updated.")
            return redirect("profile-edit")
    return render(
        request, "profiles/edit.html", _edit_context(profile, photo_form=form), status=400
    )


@require_POST
def photo_remove(request: HttpRequest) -> HttpResponse:
    services.profile_remove_photo(profile=selectors.own_profile(user=page_member(request)))
    messages.success(request, "Photo removed.")
    return redirect("profile-edit")


# Positions, education and skills: each action works as a plain form post
# (redirect back to the edit page) and, under htmx, re-renders its section in place.

SECTIONS = {
    "positions": ("profiles/_positions.html", "position_form"),
    "education": ("profiles/_education.html", "education_form"),
    "skills": ("profiles/_skills.html", "skill_form"),
}


def _section_response(
    request: HttpRequest, section: str, form: Form | None = None, *, status: int = 200
) -> HttpResponse:
    profile = selectors.own_profile(user=page_member(request))
    template, form_name = SECTIONS[section]
    if request.htmx:  # type: ignore[attr-defined]
        context = _edit_context(profile)
        if form is not None:
            context[form_name] = form
        context["completeness_oob"] = True
        return render(request, template, context)
    if form is not None:
        return render(
            request,
            "profiles/edit.html",
            _edit_context(profile, **{form_name: form}),
            status=status,
        )
    return redirect(reverse("profile-edit") + f"#{section}")


@require_POST
def position_add(request: HttpRequest) -> HttpResponse:
    form = PositionForm(request.POST)
    if form.is_valid():
        profile = selectors.own_profile(user=page_member(request))
        services.position_create(profile=profile, data=form.cleaned_data)
        return _section_response(request, "positions")
    return _section_response(request, "positions", form, status=400)


def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk, profile_id=page_member(request).pk)
    form = PositionForm(request.POST or None, instance=Position.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.position_update(position=position, data=form.cleaned_data)
        messages.success(request, "Position saved.")
        return redirect(reverse("profile-edit") + "#positions")
    return render(
        request,
        "profiles/item_edit.html",
        {"form": form, "title": "Edit position"},
        status=400 if form.is_bound else 200,
    )


@require_POST
def position_delete(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk, profile_id=page_member(request).pk)
    services.position_delete(position=position)
    return _section_response(request, "positions")


@require_POST
def education_add(request: HttpRequest) -> HttpResponse:
    form = EducationForm(request.POST)
    if form.is_valid():
        profile = selectors.own_profile(user=page_member(request))
        services.education_create(profile=profile, data=form.cleaned_data)
        return _section_response(request, "education")
    return _section_response(request, "education", form, status=400)


def education_edit(request: HttpRequest, pk: int) -> HttpResponse:
    education = get_object_or_404(Education, pk=pk, profile_id=page_member(request).pk)
    form = EducationForm(request.POST or None, instance=Education.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.education_update(education=education, data=form.cleaned_data)
        messages.success(request, "Education saved.")
        return redirect(reverse("profile-edit") + "#education")
    return render(
        request,
        "profiles/item_edit.html",
        {"form": form, "title": "Edit education"},
        status=400 if form.is_bound else 200,
    )


@require_POST
def education_delete(request: HttpRequest, pk: int) -> HttpResponse:
    education = get_object_or_404(Education, pk=pk, profile_id=page_member(request).pk)
    services.education_delete(education=education)
    return _section_response(request, "education")


@require_POST
def skill_add(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST)
    if form.is_valid():
        profile = selectors.own_profile(user=page_member(request))
        try:
            services.skill_add(profile=profile, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            return _section_response(request, "skills")
    return _section_response(request, "skills", form, status=400)


@require_POST
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk, profile_id=page_member(request).pk)
    services.skill_remove(skill=skill)
    return _section_response(request, "skills")

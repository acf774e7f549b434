"""The chat robots' settings forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import OneTimeTokenForm
from ..models import ChatRobot, Profile


class RobotEditForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of its messages"), choices=Profile.Language.choices
    )
    posts = forms.MultipleChoiceField(
        label=_("What it posts"),
        choices=ChatRobot.Post.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    url = forms.CharField(
        label=_("New webhook URL"),
        required=False,
        max_length=500,
        help_text=_("Leave empty to keep the saved one."),
        widget=forms.PasswordInput(render_value=False),
    )
    secret = forms.CharField(
        label=_("New signing secret"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to keep the saved one."),
        widget=forms.PasswordInput(render_value=False),
    )


class RobotAddForm(OneTimeTokenForm, forms.Form):
    submission_form = "chat_robot_add"

    kind = forms.ChoiceField(label=_("Platform"), choices=ChatRobot.Kind.choices)
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=500,
        help_text=_("Shown again only as its host and last 4 characters."),
        widget=forms.PasswordInput(render_value=False),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        help_text=_("DingTalk and Feishu, when the robot signs (SEC…)."),
        widget=forms.PasswordInput(render_value=False),
    )
    language = forms.ChoiceField(
        label=_("Language of its messages"), choices=Profile.Language.choices, initial="zh-hans"
    )
    posts = forms.MultipleChoiceField(
        label=_("What it posts"),
        choices=ChatRobot.Post.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[choice.value for choice in ChatRobot.Post],
    )

"""Authors write and submit; Editors approve and publish through a moderation workflow."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]
AUTHOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", ["access"]),
    ("core", "newsimage", ["add", "choose"]),
    ("wagtaildocs", "document", ["add", "choose"]),
    ("news", "author", ["view"]),
    ("news", "source", ["view"]),
    ("taggit", "tag", ["add", "view"]),
]
EDITOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", ["access"]),
    ("core", "newsimage", ["add", "change", "delete", "choose"]),
    ("wagtaildocs", "document", ["add", "change", "delete", "choose"]),
    ("news", "author", ["add", "change", "delete", "view"]),
    ("news", "source", ["add", "change", "delete", "view"]),
    ("taggit", "tag", ["add", "change", "delete", "view"]),
    ("ads", "adcreative", ["add", "change", "delete", "view"]),
    ("ads", "adslot", ["change", "view"]),
    ("core", "sitesettings", ["change"]),
]


def _permissions(apps, Permission, specs):
    ContentType = apps.get_model("contenttypes", "ContentType")
    found = []
    for app_label, model, actions in specs:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in actions:
            codename = f"{action}_{model}"
            permission = Permission.objects.filter(content_type=content_type, codename=codename).first()
            if permission is not None:
                found.append(permission)
    return found


def create_groups_and_workflow(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")

    for name, page_codenames, model_specs in [
        ("Authors", AUTHOR_PAGE_PERMISSIONS, AUTHOR_MODEL_PERMISSIONS),
        ("Editors", EDITOR_PAGE_PERMISSIONS, EDITOR_MODEL_PERMISSIONS),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        model_permissions = _permissions(apps, Permission, model_specs)
        group.permissions.add(*[p for p in model_permissions if p.content_type.app_label != "core" or p.content_type.model != "newsimage"])
        for codename in page_codenames:
            permission = Permission.objects.filter(content_type=page_type, codename=codename).first()
            if permission is not None and root is not None:
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
        if root_collection is not None:
            for permission in model_permissions:
                if permission.content_type.model in {"newsimage", "document"}:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )

    editors = Group.objects.get(name="Editors")
    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name="Editor approval", defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([editors])
    workflow, _ = Workflow.objects.get_or_create(name="Editorial review", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("core", "0001_initial"),
        ("ads", "0003_default_slots"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, migrations.RunPython.noop)]

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context, panel):
    """A widget's template (core.plugins.Panel), with its own context over the page's.

    Like `{% include %}`, with names that belong to the widget alone: two apps'
    widgets may both say `recent` without one overwriting the other.
    """
    widget_template = context.template.engine.get_template(panel.widget.template)
    with context.push(panel.context):
        return widget_template.render(context)

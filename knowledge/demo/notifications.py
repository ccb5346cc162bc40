"""Notifications: Telegram and the preferences."""

from .doc import Doc, T, md

TELEGRAM = Doc(
    key="telegram",
    category="notifications",
    days=2,
    views=61,
    related=("notification-preferences",),
    texts={
        "en": T(
            "Get notifications on Telegram",
            "Link your Telegram account to your profile in a minute, and choose which "
            "notifications go there.",
            "Telegram, bot, link Telegram, notifications on phone, messages, /stop",
            md(
                """
                The portal can send your notifications to Telegram: a new reply on your
                ticket, a resolved ticket or an escalation reach your phone at once.

                ## Link your account

                1. Open **Profile** and find the **Telegram** section.
                2. Press **Link Telegram**. A link to our bot opens; it works **once, for
                   15 minutes**.
                3. In Telegram, press **Start**. The bot answers in your language, and the
                   section in your profile shows *Linked*.

                On a computer? The profile also shows the link as text: open it on the
                phone where you use Telegram.

                ## Choose what goes to Telegram

                In **Profile**, the notification preferences have a Telegram column. By
                default you get new tickets, escalations, and resolved and closed tickets;
                tick or untick the others as you like.

                ## Stop the messages

                - Press **Unlink Telegram** in your profile, or
                - send `/stop` to the bot in Telegram.

                If you block the bot, the portal notices and stops sending; a notice in the
                portal tells you how to link it again.

                ## Your privacy

                The bot only sends: it does not read your other chats, and the portal keeps
                only the chat number it writes to.
                """
            ),
        ),
        "es": T(
            "Recibir las notificaciones en Telegram",
            "Vincule su cuenta de Telegram a su perfil en un minuto y elija qué "
            "notificaciones le llegan allí.",
            "Telegram, bot, vincular Telegram, notificaciones en el celular, mensajes, /stop",
            md(
                """
                El portal puede enviar sus notificaciones a Telegram: una respuesta nueva en
                su ticket, un ticket resuelto o una escalación le llegan al celular al
                instante.

                ## Vincule su cuenta

                1. Abra **Perfil** y busque la sección **Telegram**.
                2. Pulse **Vincular Telegram**. Se abre un enlace a nuestro bot, que sirve
                   **una vez y durante 15 minutos**.
                3. En Telegram, pulse **Iniciar** (*Start*). El bot le responde en su idioma
                   y la sección de su perfil muestra *Vinculado*.

                ¿Está en un computador? El perfil muestra también el enlace como texto:
                ábralo en el celular donde usa Telegram.

                ## Elija qué llega a Telegram

                En **Perfil**, las preferencias de notificación tienen una columna
                Telegram. De entrada recibe los tickets nuevos, las escalaciones y los
                tickets resueltos y cerrados; marque o desmarque los demás a su gusto.

                ## Dejar de recibirlas

                - Pulse **Desvincular Telegram** en su perfil, o
                - envíe `/stop` al bot en Telegram.

                Si bloquea el bot, el portal lo detecta y deja de enviar; un aviso en el
                portal le explica cómo volver a vincularlo.

                ## Su privacidad

                El bot solo envía: no lee sus otros chats, y el portal guarda únicamente el
                número del chat al que escribe.
                """
            ),
        ),
        "pt": T(
            "Receber as notificações no Telegram",
            "Vincule a sua conta do Telegram ao seu perfil em um minuto e escolha quais "
            "notificações chegam lá.",
            "Telegram, bot, vincular Telegram, notificações no celular, mensagens, /stop",
            md(
                """
                O portal pode enviar as suas notificações ao Telegram: uma resposta nova no
                seu chamado, um chamado resolvido ou uma escalação chegam ao celular na
                hora.

                ## Vincule a sua conta

                1. Abra **Perfil** e procure a seção **Telegram**.
                2. Clique em **Vincular Telegram**. Abre-se um link para o nosso bot, que
                   vale **uma vez, por 15 minutos**.
                3. No Telegram, toque em **Iniciar** (*Start*). O bot responde no seu idioma
                   e a seção do seu perfil mostra *Vinculado*.

                Está no computador? O perfil mostra o link também como texto: abra-o no
                celular onde você usa o Telegram.

                ## Escolha o que vai para o Telegram

                Em **Perfil**, as preferências de notificação têm uma coluna Telegram. Por
                padrão você recebe chamados novos, escalações e chamados resolvidos e
                fechados; marque ou desmarque os demais como quiser.

                ## Parar as mensagens

                - Clique em **Desvincular o Telegram** no seu perfil, ou
                - envie `/stop` ao bot no Telegram.

                Se você bloquear o bot, o portal percebe e para de enviar; um aviso no
                portal explica como vincular de novo.

                ## Sua privacidade

                O bot só envia: ele não lê as suas outras conversas, e o portal guarda
                apenas o número do chat para o qual escreve.
                """
            ),
        ),
        "fr": T(
            "Recevoir les notifications sur Telegram",
            "Associez votre compte Telegram à votre profil en une minute, et choisissez "
            "quelles notifications y arrivent.",
            "Telegram, bot, associer Telegram, notifications sur le téléphone, messages, /stop",
            md(
                """
                Le portail peut envoyer vos notifications sur Telegram : une nouvelle
                réponse sur votre ticket, un ticket résolu ou une escalade arrivent
                aussitôt sur votre téléphone.

                ## Associez votre compte

                1. Ouvrez **Profil** et trouvez la section **Telegram**.
                2. Cliquez sur **Associer Telegram**. Un lien vers notre bot s'ouvre ; il
                   est valable **une fois, pendant 15 minutes**.
                3. Dans Telegram, appuyez sur **Démarrer** (*Start*). Le bot répond dans
                   votre langue et la section de votre profil indique *Associé*.

                Sur un ordinateur ? Le profil affiche aussi le lien en texte : ouvrez-le sur
                le téléphone où vous utilisez Telegram.

                ## Choisissez ce qui va sur Telegram

                Dans **Profil**, les préférences de notification ont une colonne Telegram.
                Par défaut, vous recevez les nouveaux tickets, les escalades et les tickets
                résolus et fermés ; cochez ou décochez les autres à votre guise.

                ## Arrêter les messages

                - Cliquez sur **Dissocier Telegram** dans votre profil, ou
                - envoyez `/stop` au bot dans Telegram.

                Si vous bloquez le bot, le portail s'en aperçoit et cesse d'envoyer ; un
                message dans le portail explique comment l'associer à nouveau.

                ## Votre vie privée

                Le bot ne fait qu'envoyer : il ne lit pas vos autres conversations, et le
                portail ne garde que le numéro de la conversation où il écrit.
                """
            ),
        ),
    },
)

PREFERENCES = Doc(
    key="notification-preferences",
    category="notifications",
    days=37,
    views=157,
    related=("telegram", "language"),
    texts={
        "es": T(
            "Elegir de qué se entera y por dónde",
            "Portal, correo o Telegram, tipo por tipo; y cómo silenciar un solo ticket.",
            "notificaciones, preferencias, correo, demasiados correos, silenciar",
            md(
                """
                En **Perfil**, las preferencias son una tabla: una fila por tipo de aviso
                (tickets nuevos, respuestas, resueltos, plazos, bolsa de horas…) y una
                columna por canal (portal, correo, Telegram).

                - De entrada, todo llega al portal (la campana de arriba), y por correo y
                  Telegram solo lo importante: tickets nuevos, escalaciones, resueltos y
                  cerrados.
                - Nunca recibe aviso de lo que hizo usted mismo.

                ## Silenciar un ticket

                Si sigue un ticket que ya no le interesa, ábralo y use **Silenciar las
                notificaciones de este ticket**. Cada correo trae también un enlace para
                dejar de recibir ese ticket, o ese tipo de correo, con un clic.
                """
            ),
        ),
        "en": T(
            "Choose what you hear about, and where",
            "Portal, e-mail or Telegram, kind by kind; and how to mute a single ticket.",
            "notifications, preferences, e-mail, too many e-mails, mute",
            md(
                """
                Under **Profile**, the preferences are a table: a row per kind of
                notification (new tickets, replies, resolved, deadlines, hours bank…) and a
                column per channel (portal, e-mail, Telegram).

                - By default everything reaches the portal (the bell at the top), and
                  e-mail and Telegram get only what matters most: new tickets, escalations,
                  resolved and closed tickets.
                - You are never told about what you did yourself.

                ## Mute a ticket

                If you follow a ticket that no longer concerns you, open it and use **Mute
                notifications for this ticket**. Each e-mail also has a one-click link to
                stop that ticket, or that kind of e-mail.
                """
            ),
        ),
        "pt": T(
            "Escolher do que você fica sabendo, e por onde",
            "Portal, e-mail ou Telegram, tipo por tipo; e como silenciar um único chamado.",
            "notificações, preferências, e-mail, e-mails demais, silenciar",
            md(
                """
                Em **Perfil**, as preferências são uma tabela: uma linha por tipo de aviso
                (chamados novos, respostas, resolvidos, prazos, banco de horas…) e uma
                coluna por canal (portal, e-mail, Telegram).

                - Por padrão, tudo chega ao portal (o sino no alto), e por e-mail e Telegram
                  só o mais importante: chamados novos, escalações, resolvidos e fechados.
                - Você nunca é avisado do que você mesmo fez.

                ## Silenciar um chamado

                Se acompanha um chamado que não lhe interessa mais, abra-o e use
                **Silenciar as notificações deste chamado**. Cada e-mail também traz um link
                para parar de receber aquele chamado, ou aquele tipo de e-mail, com um
                clique.
                """
            ),
        ),
        "fr": T(
            "Choisir ce dont vous êtes averti, et où",
            "Portail, e-mail ou Telegram, type par type ; et comment faire taire un seul ticket.",
            "notifications, préférences, e-mail, trop d'e-mails, désactiver",
            md(
                """
                Dans **Profil**, les préférences forment un tableau : une ligne par type de
                notification (nouveaux tickets, réponses, résolus, échéances, banque
                d'heures…) et une colonne par canal (portail, e-mail, Telegram).

                - Par défaut, tout arrive dans le portail (la cloche en haut), et par e-mail
                  et Telegram seulement l'essentiel : nouveaux tickets, escalades, tickets
                  résolus et fermés.
                - Vous n'êtes jamais averti de ce que vous avez fait vous-même.

                ## Faire taire un ticket

                Si vous suivez un ticket qui ne vous concerne plus, ouvrez-le et utilisez
                **Désactiver les notifications de ce ticket**. Chaque e-mail contient aussi un
                lien pour ne plus recevoir ce ticket, ou ce type d'e-mail, en un clic.
                """
            ),
        ),
    },
)

ARTICLES = [TELEGRAM, PREFERENCES]

"""Your account: password, lock-outs, language, roles and the team."""

from .doc import Doc, T, md

PASSWORD = Doc(
    key="password",
    category="access",
    days=51,
    views=451,
    request_types=("Configuration of my account",),
    related=("locked-out",),
    texts={
        "es": T(
            "Cambiar o recuperar su contraseña",
            "Desde su perfil si la recuerda; con el enlace por correo si la olvidó.",
            "contraseña, olvidé mi contraseña, cambiar contraseña, recuperar acceso, clave",
            md(
                """
                ## Si la recuerda

                Entre a **Perfil** (arriba a la derecha) y elija **Cambiar contraseña**.
                Escriba la actual y dos veces la nueva.

                ## Si la olvidó

                1. En la página de inicio de sesión, elija **¿Olvidaste tu contraseña?**
                2. Escriba su correo. Le llega un enlace que sirve **una vez y durante 24
                   horas**.
                3. Elija una contraseña nueva.

                Si el correo no llega en 10 minutos, revise la carpeta de spam. Por
                seguridad, la página no dice si el correo existe en el portal.

                ## Una buena contraseña

                - Al menos 12 caracteres; una frase es más fácil de recordar.
                - Que no use en ningún otro sitio.
                - Nadie de nuestro equipo se la pedirá nunca, ni por teléfono ni por
                  correo.
                """
            ),
        ),
        "en": T(
            "Change or reset your password",
            "From your profile if you remember it; with the e-mailed link if you forgot it.",
            "password, forgot password, change password, reset password, recover access",
            md(
                """
                ## If you remember it

                Go to **Profile** (top right) and choose **Change password**. Type the
                current one and the new one twice.

                ## If you forgot it

                1. On the sign-in page, choose **Forgot your password?**
                2. Type your e-mail address. You get a link that works **once, for 24
                   hours**.
                3. Choose a new password.

                If the e-mail has not arrived within 10 minutes, look in your spam folder.
                For your safety, the page does not say whether the address is known to the
                portal.

                ## A good password

                - At least 12 characters; a sentence is easier to remember.
                - One you use nowhere else.
                - Nobody on our team will ever ask you for it, by phone or by e-mail.
                """
            ),
        ),
        "pt": T(
            "Alterar ou recuperar a sua senha",
            "Pelo perfil, se você lembra dela; pelo link enviado por e-mail, se esqueceu.",
            "senha, esqueci a senha, alterar senha, recuperar acesso",
            md(
                """
                ## Se você lembra dela

                Entre em **Perfil** (no canto superior direito) e escolha **Alterar senha**.
                Digite a atual e duas vezes a nova.

                ## Se esqueceu

                1. Na página de login, escolha **Esqueceu sua senha?**
                2. Digite o seu e-mail. Chega um link que vale **uma vez, por 24 horas**.
                3. Escolha uma senha nova.

                Se o e-mail não chegar em 10 minutos, olhe a pasta de spam. Por segurança, a
                página não diz se o e-mail está cadastrado no portal.

                ## Uma boa senha

                - Pelo menos 12 caracteres; uma frase é mais fácil de lembrar.
                - Que você não use em nenhum outro lugar.
                - Ninguém da nossa equipe vai pedi-la, nem por telefone nem por e-mail.
                """
            ),
        ),
        "fr": T(
            "Changer ou réinitialiser votre mot de passe",
            "Depuis votre profil si vous vous en souvenez ; avec le lien envoyé par e-mail si "
            "vous l'avez oublié.",
            "mot de passe, mot de passe oublié, changer le mot de passe, récupérer l'accès",
            md(
                """
                ## Si vous vous en souvenez

                Allez dans **Profil** (en haut à droite) et choisissez **Modifier le mot de
                passe**. Saisissez l'actuel, puis deux fois le nouveau.

                ## Si vous l'avez oublié

                1. Sur la page de connexion, choisissez **Mot de passe oublié ?**
                2. Saisissez votre adresse e-mail. Vous recevez un lien valable **une fois,
                   pendant 24 heures**.
                3. Choisissez un nouveau mot de passe.

                Si l'e-mail n'arrive pas dans les 10 minutes, regardez dans les indésirables.
                Par sécurité, la page ne dit pas si l'adresse est connue du portail.

                ## Un bon mot de passe

                - Au moins 12 caractères ; une phrase se retient plus facilement.
                - Que vous n'utilisez nulle part ailleurs.
                - Personne de notre équipe ne vous le demandera, ni par téléphone ni par
                  e-mail.
                """
            ),
        ),
    },
)

LOCKED_OUT = Doc(
    key="locked-out",
    category="access",
    days=39,
    views=133,
    related=("password",),
    texts={
        "es": T(
            "Bloqueado tras varios intentos fallidos",
            "Tras 5 intentos con la contraseña equivocada, el acceso se bloquea 15 minutos.",
            "bloqueado, cuenta bloqueada, intentos fallidos, no puedo entrar",
            md(
                """
                Después de **5 intentos fallidos** con el mismo correo desde la misma
                conexión, el portal deja de aceptar intentos durante **15 minutos**. Es una
                protección contra quien intente adivinar contraseñas.

                - Espere los 15 minutos y vuelva a intentarlo: el bloqueo se levanta solo.
                - Si no recuerda la contraseña, no siga probando: use **¿Olvidaste tu
                  contraseña?** en cuanto termine el bloqueo.
                - Si se bloquea sin haber intentado entrar, avísenos: alguien podría estar
                  probando con su correo.
                """
            ),
        ),
        "en": T(
            "Locked out after several failed attempts",
            "After 5 attempts with the wrong password, sign-in is blocked for 15 minutes.",
            "locked out, account locked, failed attempts, cannot sign in",
            md(
                """
                After **5 failed attempts** with the same e-mail from the same connection,
                the portal stops accepting attempts for **15 minutes**. It protects you
                against someone guessing passwords.

                - Wait the 15 minutes and try again: the lock lifts by itself.
                - If you do not remember the password, stop trying: use **Forgot your
                  password?** once the lock is over.
                - If you are locked out without having tried to sign in, tell us: someone
                  may be trying with your address.
                """
            ),
        ),
        "pt": T(
            "Bloqueado após várias tentativas",
            "Depois de 5 tentativas com a senha errada, o acesso fica bloqueado por 15 minutos.",
            "bloqueado, conta bloqueada, tentativas, não consigo entrar",
            md(
                """
                Depois de **5 tentativas erradas** com o mesmo e-mail a partir da mesma
                conexão, o portal para de aceitar tentativas por **15 minutos**. É uma
                proteção contra quem tenta adivinhar senhas.

                - Aguarde os 15 minutos e tente de novo: o bloqueio termina sozinho.
                - Se não lembra a senha, não continue tentando: use **Esqueceu sua senha?**
                  quando o bloqueio acabar.
                - Se ficou bloqueado sem ter tentado entrar, avise-nos: alguém pode estar
                  tentando com o seu e-mail.
                """
            ),
        ),
        "fr": T(
            "Bloqué après plusieurs tentatives",
            "Après 5 essais avec un mauvais mot de passe, la connexion est bloquée 15 minutes.",
            "bloqué, compte bloqué, tentatives échouées, impossible de se connecter",
            md(
                """
                Après **5 tentatives échouées** avec la même adresse depuis la même
                connexion, le portail refuse les essais pendant **15 minutes**. Cela vous
                protège de quiconque essaierait de deviner les mots de passe.

                - Attendez 15 minutes et réessayez : le blocage se lève tout seul.
                - Si vous ne vous souvenez pas du mot de passe, n'insistez pas : utilisez
                  **Mot de passe oublié ?** une fois le blocage terminé.
                - Si vous êtes bloqué sans avoir essayé de vous connecter, prévenez-nous :
                  quelqu'un essaie peut-être avec votre adresse.
                """
            ),
        ),
    },
)

LANGUAGE = Doc(
    key="language",
    category="access",
    days=38,
    views=96,
    request_types=("Configuration of my account",),
    related=("notification-preferences",),
    texts={
        "es": T(
            "Cambiar el idioma y la zona horaria",
            "El portal, los correos y los mensajes de Telegram le llegan en el idioma de su "
            "perfil; las horas, en su zona horaria.",
            "idioma, cambiar idioma, zona horaria, hora, español, inglés, portugués, francés",
            md(
                """
                En **Perfil** elija el idioma (español, inglés, portugués o francés) y su
                zona horaria, y guarde.

                - **El idioma** cambia el portal, los correos y los mensajes de Telegram
                  que recibe. Los artículos de ayuda se muestran en su idioma cuando están
                  traducidos; si no, en el idioma en que se escribieron, con un aviso.
                - **La zona horaria** cambia todas las horas que ve: las de los tickets, los
                  plazos y los informes de horas. Si viaja o trabaja desde otro país,
                  cámbiela para que los plazos le cuadren.

                Lo que usted escribe en un ticket se queda como lo escribió: el equipo de
                soporte lo lee en su idioma original.
                """
            ),
        ),
        "en": T(
            "Change your language and time zone",
            "The portal, e-mails and Telegram messages reach you in your profile's "
            "language; times, in your time zone.",
            "language, change language, time zone, time, Spanish, English, Portuguese, French",
            md(
                """
                Under **Profile**, choose the language (Spanish, English, Portuguese or
                French) and your time zone, and save.

                - **The language** changes the portal, the e-mails and the Telegram
                  messages you get. Help articles appear in your language when they are
                  translated; otherwise in the language they were written in, with a note.
                - **The time zone** changes every time you see: on tickets, deadlines and
                  statements of hours. If you travel or work from another country, change
                  it so that the deadlines make sense.

                What you write on a ticket stays as you wrote it: the support team reads it
                in its original language.
                """
            ),
        ),
        "pt": T(
            "Alterar o idioma e o fuso horário",
            "O portal, os e-mails e as mensagens do Telegram chegam no idioma do seu perfil; "
            "os horários, no seu fuso.",
            "idioma, mudar idioma, fuso horário, horário, espanhol, inglês, português",
            md(
                """
                Em **Perfil**, escolha o idioma (espanhol, inglês, português ou francês) e
                o seu fuso horário, e salve.

                - **O idioma** muda o portal, os e-mails e as mensagens do Telegram que você
                  recebe. Os artigos de ajuda aparecem no seu idioma quando traduzidos; se
                  não, no idioma em que foram escritos, com um aviso.
                - **O fuso horário** muda todos os horários que você vê: nos chamados, nos
                  prazos e nos extratos de horas. Se viajar ou trabalhar de outro país,
                  mude-o para que os prazos façam sentido.

                O que você escreve em um chamado fica como você escreveu: a equipe de
                suporte lê no idioma original.
                """
            ),
        ),
        "fr": T(
            "Changer la langue et le fuseau horaire",
            "Le portail, les e-mails et les messages Telegram vous parviennent dans la langue "
            "de votre profil ; les heures, dans votre fuseau.",
            "langue, changer de langue, fuseau horaire, heure, espagnol, anglais, français",
            md(
                """
                Dans **Profil**, choisissez la langue (espagnol, anglais, portugais ou
                français) et votre fuseau horaire, puis enregistrez.

                - **La langue** change le portail, les e-mails et les messages Telegram que
                  vous recevez. Les articles d'aide s'affichent dans votre langue quand ils
                  sont traduits ; sinon dans leur langue d'origine, avec une mention.
                - **Le fuseau horaire** change toutes les heures affichées : tickets,
                  échéances et relevés d'heures. Si vous voyagez ou travaillez depuis un
                  autre pays, changez-le pour que les échéances aient un sens.

                Ce que vous écrivez dans un ticket reste tel quel : l'équipe support le lit
                dans sa langue d'origine.
                """
            ),
        ),
    },
)

ROLES = Doc(
    key="roles",
    category="people",
    days=49,
    views=248,
    request_types=("Configuration of my account",),
    related=("invite", "contracts"),
    texts={
        "en": T(
            "Roles: members, managers and partners",
            "Who sees which tickets, contracts and wishes in your organisation.",
            "roles, permissions, manager, member, partner, who can see, access",
            md(
                """
                Everyone in your organisation has one of two roles, and a partner company
                may act for you as well.

                ## What each role sees

                | | Member | Manager | Partner |
                |---|---|---|---|
                | Tickets | Their own, and those they follow | All | All |
                | Contracts and hours | No | Yes | Yes |
                | Wishes | Shared ones and their own | All | All |
                | Team and invitations | No | Yes | No |
                | Activity feed | Their tickets' and the organisation's | Everything | Everything |

                ## Members

                The right role for most people: they open tickets, follow those that
                concern them and are told about them. A colleague can add them to a
                ticket to keep them informed.

                ## Managers

                They see the whole organisation, manage the team, receive the invoices and
                the hours bank alerts. An organisation always keeps at least one manager.

                ## Partners

                An IT company you work with can be assigned to your organisation: its
                people then see your tickets, contracts and wishes, without being members.
                Ask us in a ticket to assign or remove one.
                """
            ),
        ),
        "es": T(
            "Roles: miembros, administradores y partners",
            "Quién ve qué tickets, contratos y mejoras en su organización.",
            "roles, permisos, administrador, miembro, partner, quién puede ver, acceso",
            md(
                """
                Cada persona de su organización tiene uno de dos roles, y una empresa
                partner puede además actuar por ustedes.

                ## Qué ve cada rol

                | | Miembro | Administrador | Partner |
                |---|---|---|---|
                | Tickets | Los suyos y los que sigue | Todos | Todos |
                | Contratos y horas | No | Sí | Sí |
                | Mejoras | Las compartidas y las suyas | Todas | Todas |
                | Equipo e invitaciones | No | Sí | No |
                | Actividad | La de sus tickets y de la organización | Toda | Toda |

                ## Miembros

                El rol adecuado para la mayoría: abren tickets, siguen los que les
                interesan y reciben sus avisos. Un colega puede agregarlos a un ticket para
                que estén al tanto.

                ## Administradores

                Ven toda la organización, gestionan el equipo y reciben las facturas y los
                avisos de la bolsa de horas. Una organización siempre conserva al menos un
                administrador.

                ## Partners

                Una empresa de TI con la que trabajen puede quedar asignada a su
                organización: su gente ve sus tickets, contratos y mejoras, sin ser
                miembros. Pídanos en un ticket asignarla o quitarla.
                """
            ),
        ),
        "pt": T(
            "Papéis: membros, gestores e parceiros",
            "Quem vê quais chamados, contratos e melhorias na sua organização.",
            "papéis, permissões, gestor, membro, parceiro, quem pode ver, acesso",
            md(
                """
                Cada pessoa da sua organização tem um de dois papéis, e uma empresa parceira
                também pode atuar por vocês.

                ## O que cada papel vê

                | | Membro | Gestor | Parceiro |
                |---|---|---|---|
                | Chamados | Os seus e os que acompanha | Todos | Todos |
                | Contratos e horas | Não | Sim | Sim |
                | Melhorias | As compartilhadas e as suas | Todas | Todas |
                | Equipe e convites | Não | Sim | Não |
                | Atividade | A dos seus chamados e da organização | Tudo | Tudo |

                ## Membros

                O papel certo para a maioria: abrem chamados, acompanham os que lhes dizem
                respeito e recebem os avisos. Um colega pode adicioná-los a um chamado para
                mantê-los informados.

                ## Gestores

                Veem a organização inteira, gerenciam a equipe e recebem as faturas e os
                avisos do banco de horas. Uma organização sempre mantém pelo menos um
                gestor.

                ## Parceiros

                Uma empresa de TI com quem vocês trabalham pode ser atribuída à sua
                organização: as pessoas dela veem seus chamados, contratos e melhorias, sem
                serem membros. Peça em um chamado para atribuí-la ou removê-la.
                """
            ),
        ),
        "fr": T(
            "Rôles : membres, responsables et partenaires",
            "Qui voit quels tickets, contrats et souhaits dans votre organisation.",
            "rôles, droits, responsable, membre, partenaire, qui peut voir, accès",
            md(
                """
                Chaque personne de votre organisation a l'un de deux rôles, et une société
                partenaire peut aussi agir pour vous.

                ## Ce que voit chaque rôle

                | | Membre | Responsable | Partenaire |
                |---|---|---|---|
                | Tickets | Les siens et ceux qu'il suit | Tous | Tous |
                | Contrats et heures | Non | Oui | Oui |
                | Souhaits | Les partagés et les siens | Tous | Tous |
                | Équipe et invitations | Non | Oui | Non |
                | Activité | Celle de ses tickets et de l'organisation | Tout | Tout |

                ## Membres

                Le bon rôle pour la plupart : ils ouvrent des tickets, suivent ceux qui les
                concernent et en sont avertis. Un collègue peut les ajouter à un ticket pour
                les tenir informés.

                ## Responsables

                Ils voient toute l'organisation, gèrent l'équipe et reçoivent les factures
                et les alertes de la banque d'heures. Une organisation garde toujours au
                moins un responsable.

                ## Partenaires

                Une société informatique avec qui vous travaillez peut être rattachée à
                votre organisation : ses employés voient alors vos tickets, contrats et
                souhaits, sans en être membres. Demandez-nous dans un ticket de la rattacher
                ou de la retirer.
                """
            ),
        ),
    },
)

INVITE = Doc(
    key="invite",
    category="people",
    days=48,
    views=174,
    request_types=("Configuration of my account",),
    related=("roles",),
    texts={
        "es": T(
            "Invitar a un colega o dar de baja a quien se fue",
            "Los administradores gestionan el equipo desde Equipo: invitaciones, roles y bajas.",
            "invitar, nuevo usuario, dar de baja, desactivar, equipo, colega",
            md(
                """
                Solo los **administradores** de la organización ven **Equipo**.

                ## Invitar

                En **Invitar a alguien**, escriba el correo de la persona y elija su rol.
                Le llega un enlace válido por **7 días** para crear su contraseña. Mientras
                no lo use, aparece en *Invitaciones pendientes*, donde puede retirarla.

                ## Cambiar un rol

                En la lista, elija el rol nuevo junto a la persona y confirme. El cambio es
                inmediato.

                ## Cuando alguien se va

                Pulse **Desactivar**: ya no puede entrar ni recibe avisos, y sus tickets
                quedan en la organización. Si vuelve, **Reactivar** le devuelve el acceso.
                Una organización no puede quedarse sin administradores: nombre otro antes
                de desactivar al último.
                """
            ),
        ),
        "en": T(
            "Invite a colleague, or remove someone who left",
            "Managers run the team from Team: invitations, roles and departures.",
            "invite, new user, remove user, deactivate, team, colleague",
            md(
                """
                Only the organisation's **managers** see **Team**.

                ## Invite

                Under **Invite someone**, type the person's e-mail address and choose their
                role. They get a link valid for **7 days** to set their password. Until they
                use it, it is listed under *Pending invitations*, where you can withdraw it.

                ## Change a role

                In the list, pick the new role next to the person and confirm. It takes
                effect at once.

                ## When someone leaves

                Press **Deactivate**: they can no longer sign in or get notifications, and
                their tickets stay with the organisation. If they come back,
                **Reactivate** gives their access back. An organisation cannot be left
                without managers: name another one before deactivating the last.
                """
            ),
        ),
        "pt": T(
            "Convidar um colega ou desativar quem saiu",
            "Os gestores cuidam da equipe em Equipe: convites, papéis e desligamentos.",
            "convidar, novo usuário, desativar, equipe, colega",
            md(
                """
                Só os **gestores** da organização veem **Equipe**.

                ## Convidar

                Em **Convidar alguém**, digite o e-mail da pessoa e escolha o papel. Ela
                recebe um link válido por **7 dias** para criar a senha. Enquanto não usar,
                o convite aparece em *Convites pendentes*, onde você pode retirá-lo.

                ## Mudar um papel

                Na lista, escolha o novo papel ao lado da pessoa e confirme. A mudança é
                imediata.

                ## Quando alguém sai

                Clique em **Desativar**: a pessoa não entra mais nem recebe avisos, e os
                chamados dela ficam com a organização. Se voltar, **Reativar** devolve o
                acesso. Uma organização não pode ficar sem gestores: nomeie outro antes de
                desativar o último.
                """
            ),
        ),
        "fr": T(
            "Inviter un collègue, ou retirer quelqu'un qui est parti",
            "Les responsables gèrent l'équipe depuis Équipe : invitations, rôles et départs.",
            "inviter, nouvel utilisateur, retirer, désactiver, équipe, collègue",
            md(
                """
                Seuls les **responsables** de l'organisation voient **Équipe**.

                ## Inviter

                Sous **Inviter quelqu'un**, saisissez l'adresse e-mail de la personne et
                choisissez son rôle. Elle reçoit un lien valable **7 jours** pour créer son
                mot de passe. Tant qu'elle ne l'a pas utilisé, il figure dans *Invitations
                en attente*, où vous pouvez le retirer.

                ## Changer un rôle

                Dans la liste, choisissez le nouveau rôle à côté de la personne et
                confirmez. C'est immédiat.

                ## Quand quelqu'un part

                Cliquez sur **Désactiver** : la personne ne peut plus se connecter ni
                recevoir de notifications, et ses tickets restent à l'organisation. Si elle
                revient, **Réactiver** lui rend l'accès. Une organisation ne peut pas rester
                sans responsable : nommez-en un autre avant de désactiver le dernier.
                """
            ),
        ),
    },
)

ARTICLES = [PASSWORD, LOCKED_OUT, LANGUAGE, ROLES, INVITE]

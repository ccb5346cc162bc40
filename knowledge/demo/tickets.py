"""Tickets: opening one, statuses, escalations, SLA deadlines."""

from .doc import Doc, T, md

OPEN_TICKET = Doc(
    key="open-ticket",
    category="tickets",
    days=59,
    views=701,
    request_types=("I have a question", "I have a request"),
    related=("ticket-statuses", "sla", "escalate"),
    texts={
        "es": T(
            "Abrir un ticket que se resuelva rápido",
            "El tipo de solicitud correcto, un asunto claro y lo que ya probó: lo que más "
            "acorta la espera.",
            "abrir ticket, nuevo ticket, solicitud, reportar problema, soporte",
            md(
                """
                En **Tickets**, pulse **Nuevo ticket**.

                ## 1. Elija el tipo de solicitud

                Cada tipo (**Tengo un problema**, **Conexión lenta**, **Consulta de
                facturación**…) trae una guía de qué incluir y, a veces, campos propios,
                como la velocidad medida. También fija la prioridad y el equipo que lo
                recibe: elegir bien el tipo es lo que más acelera la respuesta.

                Mientras escribe, el formulario le sugiere artículos de ayuda: a veces la
                respuesta ya está ahí.

                ## 2. Un asunto que se entienda solo

                - Bien: *Sin internet en la oficina de Providencia desde las 8:10*
                - Mal: *Urgente* o *Problema*

                ## 3. La descripción

                - Qué pasa, desde cuándo y a quién afecta.
                - Lo que ya probó (reiniciar, otro equipo, otro cable).
                - Capturas de pantalla o registros como archivos adjuntos.
                - Los servicios afectados, si tiene varios.

                **Nunca escriba contraseñas** en un ticket: si el texto parece una
                contraseña o una clave, el portal se lo advierte antes de enviarlo.

                ## 4. Mantenga informados a sus colegas

                Agregue a quienes deban seguirlo: recibirán los avisos igual que usted.
                """
            ),
        ),
        "en": T(
            "Opening a ticket that gets solved fast",
            "The right request type, a clear subject and what you already tried: what "
            "shortens the wait most.",
            "open ticket, new ticket, request, report a problem, support",
            md(
                """
                Under **Tickets**, press **New ticket**.

                ## 1. Choose the request type

                Each type (**I have a problem**, **Slow connection**, **Billing
                question**…) comes with guidance on what to include and sometimes fields of
                its own, such as the measured speed. It also sets the priority and the team
                that gets it: choosing the right type speeds up the answer more than
                anything.

                While you type, the form suggests help articles: sometimes the answer is
                already there.

                ## 2. A subject that speaks for itself

                - Good: *No internet at the Providencia office since 8:10*
                - Poor: *Urgent* or *Problem*

                ## 3. The description

                - What happens, since when, and who is affected.
                - What you already tried (restarting, another computer, another cable).
                - Screenshots or logs as attachments.
                - The services concerned, if you have several.

                **Never write passwords** in a ticket: if the text looks like a password or
                a key, the portal warns you before sending it.

                ## 4. Keep your colleagues informed

                Add the people who should follow it: they are notified just like you.
                """
            ),
        ),
        "pt": T(
            "Abrir um chamado que se resolva rápido",
            "O tipo de solicitação certo, um assunto claro e o que você já testou: o que mais "
            "encurta a espera.",
            "abrir chamado, novo chamado, solicitação, relatar problema, suporte",
            md(
                """
                Em **Chamados**, clique em **Novo chamado**.

                ## 1. Escolha o tipo de solicitação

                Cada tipo (**Tenho um problema**, **Conexão lenta**, **Dúvida de
                faturamento**…) traz uma orientação do que incluir e, às vezes, campos
                próprios, como a velocidade medida. Ele também define a prioridade e a
                equipe que recebe: escolher bem o tipo é o que mais acelera a resposta.

                Enquanto você escreve, o formulário sugere artigos de ajuda: às vezes a
                resposta já está lá.

                ## 2. Um assunto que se explica sozinho

                - Bom: *Sem internet no escritório da Paulista desde as 8h10*
                - Ruim: *Urgente* ou *Problema*

                ## 3. A descrição

                - O que acontece, desde quando e quem é afetado.
                - O que você já testou (reiniciar, outro computador, outro cabo).
                - Capturas de tela ou registros como anexos.
                - Os serviços afetados, se tiver vários.

                **Nunca escreva senhas** em um chamado: se o texto parece uma senha ou uma
                chave, o portal avisa antes de enviar.

                ## 4. Mantenha os colegas informados

                Adicione quem deve acompanhar: eles recebem os avisos como você.
                """
            ),
        ),
        "fr": T(
            "Ouvrir un ticket qui se règle vite",
            "Le bon type de demande, un objet clair et ce que vous avez déjà essayé : ce qui "
            "raccourcit le plus l'attente.",
            "ouvrir un ticket, nouveau ticket, demande, signaler un problème, support",
            md(
                """
                Sous **Tickets**, cliquez sur **Nouveau ticket**.

                ## 1. Choisissez le type de demande

                Chaque type (**J'ai un problème**, **Connexion lente**, **Question de
                facturation**…) vient avec des conseils sur quoi indiquer, et parfois des
                champs propres, comme le débit mesuré. Il fixe aussi la priorité et
                l'équipe qui le reçoit : bien choisir le type accélère la réponse plus que
                tout.

                Pendant que vous écrivez, le formulaire propose des articles d'aide : la
                réponse s'y trouve parfois déjà.

                ## 2. Un objet qui se comprend seul

                - Bien : *Plus d'internet au bureau de la rue Oberkampf depuis 8 h 10*
                - Mal : *Urgent* ou *Problème*

                ## 3. La description

                - Ce qui se passe, depuis quand et qui est touché.
                - Ce que vous avez déjà essayé (redémarrage, autre poste, autre câble).
                - Captures d'écran ou journaux en pièces jointes.
                - Les services concernés, si vous en avez plusieurs.

                **N'écrivez jamais de mot de passe** dans un ticket : si le texte ressemble
                à un mot de passe ou à une clé, le portail vous prévient avant l'envoi.

                ## 4. Tenez vos collègues informés

                Ajoutez les personnes qui doivent le suivre : elles sont averties comme
                vous.
                """
            ),
        ),
    },
)

STATUSES = Doc(
    key="ticket-statuses",
    category="tickets",
    days=46,
    views=289,
    related=("open-ticket", "sla"),
    texts={
        "es": T(
            "Los estados de un ticket",
            "Qué significa cada estado y qué se espera de usted en cada uno.",
            "estados, esperando tu respuesta, resuelto, cerrado, reabrir",
            md(
                """
                | Estado | Qué significa | ¿Algo de su parte? |
                |---|---|---|
                | Nuevo | Aún no lo abrimos | No |
                | Abierto / En curso | Estamos trabajando en él | No |
                | Esperando tu respuesta | Le pedimos algo | **Sí**: responda en el ticket |
                | Esperando a un tercero | Depende de un proveedor o de la compañía eléctrica | No |
                | Resuelto | Creemos que está solucionado | Confírmelo o respóndanos |
                | Reabierto | Volvió a fallar después de resuelto | No |
                | Cerrado | Terminado | No |

                - Mientras espera **su** respuesta o la de un tercero, el plazo de resolución
                  se detiene.
                - Un ticket resuelto se cierra solo a los 7 días si nadie responde. Si
                  vuelve a fallar, respóndale: se reabre.
                - Al confirmar que está resuelto puede calificar la atención de 1 a 5
                  estrellas.
                """
            ),
        ),
        "en": T(
            "Ticket statuses",
            "What each status means, and what is expected of you in each.",
            "statuses, waiting on you, resolved, closed, reopen",
            md(
                """
                | Status | Meaning | Anything for you to do? |
                |---|---|---|
                | New | We have not opened it yet | No |
                | Open / In progress | We are working on it | No |
                | Waiting on you | We asked you something | **Yes**: answer on the ticket |
                | Waiting on a third party | It depends on a supplier or the power company | No |
                | Resolved | We think it is fixed | Confirm, or answer us |
                | Reopened | It failed again after being resolved | No |
                | Closed | Done | No |

                - While it waits on **you** or on a third party, the resolution deadline
                  is paused.
                - A resolved ticket closes by itself after 7 days if nobody answers. If it
                  fails again, answer it: it reopens.
                - When you confirm it is fixed you can rate the support from 1 to 5 stars.
                """
            ),
        ),
        "pt": T(
            "Os status de um chamado",
            "O que significa cada status e o que se espera de você em cada um.",
            "status, aguardando você, resolvido, encerrado, reabrir",
            md(
                """
                | Status | O que significa | Algo a fazer? |
                |---|---|---|
                | Novo | Ainda não o abrimos | Não |
                | Em aberto / Em andamento | Estamos trabalhando nele | Não |
                | Aguardando você | Pedimos algo a você | **Sim**: responda no chamado |
                | Aguardando terceiros | Depende de um fornecedor ou da concessionária | Não |
                | Resolvido | Achamos que está resolvido | Confirme ou nos responda |
                | Reaberto | Voltou a falhar depois de resolvido | Não |
                | Encerrado | Concluído | Não |

                - Enquanto aguarda **você** ou terceiros, o prazo de resolução fica pausado.
                - Um chamado resolvido é encerrado sozinho após 7 dias sem resposta. Se
                  voltar a falhar, responda: ele é reaberto.
                - Ao confirmar que foi resolvido, você pode avaliar o atendimento de 1 a 5
                  estrelas.
                """
            ),
        ),
        "fr": T(
            "Les statuts d'un ticket",
            "Ce que signifie chaque statut, et ce qu'on attend de vous dans chacun.",
            "statuts, en attente de votre réponse, résolu, fermé, rouvrir",
            md(
                """
                | Statut | Signification | À vous d'agir ? |
                |---|---|---|
                | Nouveau | Nous ne l'avons pas encore ouvert | Non |
                | En cours | Nous y travaillons | Non |
                | En attente de votre réponse | Nous attendons votre réponse | **Oui** : répondez |
                | En attente d'un tiers | Cela dépend d'un fournisseur ou d'un opérateur | Non |
                | Résolu | Nous pensons que c'est réglé | Confirmez, ou répondez-nous |
                | Rouvert | Le problème est revenu après résolution | Non |
                | Fermé | Terminé | Non |

                - Tant qu'il attend **votre** réponse ou celle d'un tiers, l'échéance de
                  résolution est en pause.
                - Un ticket résolu se ferme seul après 7 jours sans réponse. Si le problème
                  revient, répondez-y : il est rouvert.
                - En confirmant la résolution, vous pouvez noter le support de 1 à 5
                  étoiles.
                """
            ),
        ),
    },
)

ESCALATE = Doc(
    key="escalate",
    category="tickets",
    days=42,
    views=158,
    related=("sla", "ticket-statuses"),
    texts={
        "es": T(
            "Escalar un ticket o pedir una llamada",
            "Cuando un ticket no avanza o es más urgente de lo que parecía, dos botones en "
            "la página del ticket.",
            "escalar, escalamiento, urgente, llamada, hablar con alguien, supervisor",
            md(
                """
                En la página del ticket tiene dos acciones para cuando responder no basta.

                - **Escalar**: explique en pocas líneas por qué es urgente (el impacto, un
                  plazo suyo). Un supervisor lo revisa y el ticket queda marcado hasta que
                  lo atendemos. Solo puede haber una escalación abierta por ticket.
                - **Solicitar una llamada**: deje un teléfono y cuándo prefiere que lo
                  llamemos. El técnico lo ve en el ticket y lo marca como hecha al llamar.

                Escalar no cambia el plazo de su contrato, pero sí el orden en que lo
                atendemos. Úselo cuando de verdad haga falta: así conserva su fuerza.
                """
            ),
        ),
        "en": T(
            "Escalate a ticket or ask for a call",
            "When a ticket is stuck or more urgent than it looked, two buttons on the ticket page.",
            "escalate, escalation, urgent, call, speak to someone, supervisor",
            md(
                """
                On the ticket page there are two actions for when a reply is not enough.

                - **Escalate**: say in a few lines why it is urgent (the impact, a deadline
                  of yours). A supervisor reviews it and the ticket stays marked until we
                  deal with it. A ticket has one open escalation at a time.
                - **Request a call**: leave a phone number and when you would like us to
                  call. The engineer sees it on the ticket and marks it done once called.

                Escalating does not change your contract's deadline, but it does change the
                order in which we work. Keep it for when it is really needed: that is what
                keeps it effective.
                """
            ),
        ),
        "pt": T(
            "Escalar um chamado ou pedir uma ligação",
            "Quando um chamado não anda ou é mais urgente do que parecia, dois botões na "
            "página do chamado.",
            "escalar, escalonamento, urgente, ligação, falar com alguém, supervisor",
            md(
                """
                Na página do chamado há duas ações para quando responder não basta.

                - **Escalar**: explique em poucas linhas por que é urgente (o impacto, um
                  prazo seu). Um supervisor revisa e o chamado fica marcado até o
                  atendermos. Só pode haver um escalonamento aberto por chamado.
                - **Solicitar uma ligação**: deixe um telefone e quando prefere que
                  liguemos. O técnico vê no chamado e marca como feita ao ligar.

                Escalar não muda o prazo do seu contrato, mas muda a ordem em que
                atendemos. Use quando for mesmo necessário: é assim que ele continua
                eficaz.
                """
            ),
        ),
        "fr": T(
            "Escalader un ticket ou demander un appel",
            "Quand un ticket n'avance pas ou devient plus urgent, deux boutons sur la page du "
            "ticket.",
            "escalader, escalade, urgent, appel, parler à quelqu'un, superviseur",
            md(
                """
                Sur la page du ticket, deux actions servent quand une réponse ne suffit pas.

                - **Escalader** : expliquez en quelques lignes pourquoi c'est urgent
                  (l'impact, une échéance de votre côté). Un superviseur l'examine et le
                  ticket reste signalé jusqu'à ce que nous le traitions. Un ticket n'a
                  qu'une escalade ouverte à la fois.
                - **Demander un appel** : laissez un numéro et le moment qui vous convient.
                  Le technicien le voit sur le ticket et le marque comme fait après l'appel.

                Escalader ne change pas l'échéance de votre contrat, mais l'ordre dans
                lequel nous travaillons. Gardez-le pour les vrais besoins : c'est ce qui
                lui garde son effet.
                """
            ),
        ),
    },
)

SLA = Doc(
    key="sla",
    category="sla",
    days=52,
    views=392,
    related=("ticket-statuses", "escalate"),
    texts={
        "es": T(
            "Plazos (SLA): primera respuesta y resolución",
            "Cómo se calculan los plazos de cada ticket y qué significa cada marca: en "
            "plazo, en riesgo, incumplido, cumplido, en pausa.",
            "SLA, plazos, tiempo de respuesta, en riesgo, incumplido, horario hábil",
            md(
                """
                Al abrir un ticket, el portal calcula según su contrato y la prioridad del
                ticket dos plazos: cuándo recibirá la **primera respuesta** y cuándo
                debería quedar **resuelto**. Los ve en la lista y en la página del ticket,
                en su zona horaria.

                ## Horario hábil

                Los plazos corren en el horario hábil de su contrato (por ejemplo, de lunes
                a viernes de 9:00 a 18:00, sin feriados), salvo que su contrato sea 24x7.
                Un ticket crítico abierto el viernes a las 17:30 con 2 horas de plazo
                vence el lunes a las 10:30.

                ## Las marcas

                | Marca | Significa |
                |---|---|
                | En plazo | Queda tiempo de sobra |
                | En riesgo | Se acerca el vencimiento |
                | Incumplido | Pasó el plazo sin cumplirse |
                | Cumplido | Se cumplió a tiempo |
                | En pausa | El ticket espera su respuesta o a un tercero |

                ## Lo que detiene el reloj

                Mientras el ticket está **Esperando tu respuesta** o **Esperando a un
                tercero**, el plazo de resolución se detiene. Si un ticket resuelto se
                reabre, el reloj sigue desde donde quedó: el tiempo que estuvo resuelto no
                cuenta.

                ## Para administradores

                El panel muestra el porcentaje del mes en que se cumplieron la primera
                respuesta y la resolución, por prioridad, y los tickets en riesgo ahora.
                """
            ),
        ),
        "en": T(
            "Deadlines (SLA): first response and resolution",
            "How each ticket's deadlines are set, and what each mark means: on track, at "
            "risk, breached, met, paused.",
            "SLA, deadlines, response time, at risk, breached, business hours",
            md(
                """
                When you open a ticket, the portal works out from your contract and the
                ticket's priority two deadlines: when you will get the **first response**
                and when it should be **resolved**. You see them on the list and on the
                ticket page, in your time zone.

                ## Business hours

                Deadlines run in your contract's business hours (for example Monday to
                Friday, 9:00 to 18:00, no public holidays), unless your contract is 24x7.
                A critical ticket opened on Friday at 17:30 with a 2-hour target is due on
                Monday at 10:30.

                ## The marks

                | Mark | Meaning |
                |---|---|
                | On track | Plenty of time left |
                | At risk | The deadline is close |
                | Breached | The deadline passed without being met |
                | Met | Met in time |
                | Paused | The ticket is waiting on you or on a third party |

                ## What stops the clock

                While the ticket is **Waiting on you** or **Waiting on a third party**, the
                resolution deadline is paused. If a resolved ticket reopens, the clock goes
                on from where it stopped: the time it spent resolved does not count.

                ## For managers

                The dashboard shows this month's share of first responses and resolutions
                met, by priority, and the tickets at risk right now.
                """
            ),
        ),
        "pt": T(
            "Prazos (SLA): primeira resposta e resolução",
            "Como os prazos de cada chamado são calculados e o que significa cada marca: no "
            "prazo, em risco, descumprido, cumprido, pausado.",
            "SLA, prazos, tempo de resposta, em risco, descumprido, horário comercial",
            md(
                """
                Quando você abre um chamado, o portal calcula, pelo seu contrato e pela
                prioridade do chamado, dois prazos: quando você terá a **primeira
                resposta** e quando ele deve estar **resolvido**. Eles aparecem na lista e
                na página do chamado, no seu fuso horário.

                ## Horário comercial

                Os prazos correm no horário comercial do seu contrato (por exemplo, de
                segunda a sexta, das 9h às 18h, sem feriados), a não ser que o contrato seja
                24x7. Um chamado crítico aberto na sexta às 17h30 com prazo de 2 horas
                vence na segunda às 10h30.

                ## As marcas

                | Marca | Significa |
                |---|---|
                | No prazo | Ainda há tempo de sobra |
                | Em risco | O vencimento está perto |
                | Descumprido | O prazo passou sem ser cumprido |
                | Cumprido | Cumprido a tempo |
                | Pausado | O chamado aguarda você ou terceiros |

                ## O que para o relógio

                Enquanto o chamado está **Aguardando você** ou **Aguardando terceiros**, o
                prazo de resolução fica pausado. Se um chamado resolvido é reaberto, o
                relógio continua de onde parou: o tempo em que ficou resolvido não conta.

                ## Para gestores

                O painel mostra a porcentagem do mês de primeiras respostas e resoluções
                cumpridas, por prioridade, e os chamados em risco agora.
                """
            ),
        ),
        "fr": T(
            "Échéances (SLA) : première réponse et résolution",
            "Comment les échéances d'un ticket sont fixées, et ce que veut dire chaque "
            "marque : dans les temps, à risque, dépassé, respecté, en pause.",
            "SLA, échéances, délai de réponse, à risque, dépassé, heures ouvrées",
            md(
                """
                À l'ouverture d'un ticket, le portail calcule d'après votre contrat et la
                priorité du ticket deux échéances : quand vous aurez la **première
                réponse** et quand il devrait être **résolu**. Vous les voyez dans la liste
                et sur la page du ticket, dans votre fuseau horaire.

                ## Heures ouvrées

                Les échéances courent pendant les heures ouvrées de votre contrat (par
                exemple du lundi au vendredi, de 9 h à 18 h, hors jours fériés), sauf
                contrat 24x7. Un ticket critique ouvert le vendredi à 17 h 30 avec un
                délai de 2 heures arrive à échéance le lundi à 10 h 30.

                ## Les marques

                | Marque | Signification |
                |---|---|
                | Dans les temps | Il reste largement le temps |
                | À risque | L'échéance approche |
                | Dépassé | L'échéance est passée sans être tenue |
                | Respecté | Tenu à temps |
                | En pause | Le ticket attend votre réponse ou un tiers |

                ## Ce qui arrête l'horloge

                Tant que le ticket est **En attente de votre réponse** ou **En attente d'un
                tiers**, l'échéance de résolution est en pause. Si un ticket résolu est
                rouvert, l'horloge repart d'où elle s'était arrêtée : le temps passé à
                l'état résolu ne compte pas.

                ## Pour les responsables

                Le tableau de bord montre la part du mois de premières réponses et de
                résolutions tenues, par priorité, et les tickets à risque en ce moment.
                """
            ),
        ),
    },
)

ARTICLES = [OPEN_TICKET, STATUSES, ESCALATE, SLA]

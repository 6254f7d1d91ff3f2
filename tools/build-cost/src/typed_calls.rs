{
    use zoom_phone::ops::{call_queues, external_contacts, users};
    let page = zp.users().list_phone_users(&users::ListPhoneUsers::new()).await?;
    println!("{:?}", page.users.map(|u| u.len()));
    let queues = zp
        .call_queues()
        .list_call_queues(&call_queues::ListCallQueues::new())
        .await?;
    println!("{:?}", queues.total_records);
    let mut contact = external_contacts::AddExternalContact::new("Ada");
    contact.body.email = Some("ada@example.com".to_owned());
    let added = zp.external_contacts().add_external_contact(&contact).await?;
    println!("{:?}", added.external_contact_id);
    Ok(())
}
